import { ANTI_LOOP_ERRORS } from '#core/domain/provider/anti-loop.ts';
import type { ApiDeps } from '../deps.ts';
import type { BatchEntry, BatchForm, RejectedEntry } from './batch-entries.ts';
import { fieldLabel } from './issues.ts';

// The anti-loop rules for each entry of a batch: an entry repeating one sent within the window, or
// one past the per-number limit, is rejected with its index like any invalid entry (nothing stored).

export async function guardEntries(
  deps: Pick<ApiDeps, 'guard'>,
  form: BatchForm,
  entries: readonly BatchEntry[],
): Promise<{ admitted: BatchEntry[]; refused: RejectedEntry[] }> {
  const guard = deps.guard;
  if (!guard) return { admitted: [...entries], refused: [] };
  const verdicts = await guard.admitMany(entries.map((entry) => entry.prepared));
  const admitted: BatchEntry[] = [];
  const refused: RejectedEntry[] = [];
  entries.forEach((entry, at) => {
    const verdict = verdicts[at]?.verdict ?? 'allowed';
    if (verdict === 'allowed') {
      admitted.push(entry);
      return;
    }
    const { code, description } = ANTI_LOOP_ERRORS[verdict];
    const path = [form, entry.index];
    refused.push({
      index: entry.index,
      error: { code, path, message: `${fieldLabel(path)}: ${description}` },
    });
  });
  return { admitted, refused };
}
