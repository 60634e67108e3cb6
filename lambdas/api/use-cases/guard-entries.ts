import { ANTI_LOOP_ERRORS, type AntiLoopVerdict } from '#core/domain/provider/anti-loop.ts';
import type { ApiDeps } from '../deps.ts';
import type { BatchEntry, BatchForm, RejectedEntry } from './batch-entries.ts';
import { fieldLabel } from './issues.ts';

// The anti-loop rules for each entry of a batch: an entry repeating one sent within the window, or
// one past the per-number limit, is rejected with its index like any invalid entry (nothing stored).

/** An entry the rules let through, with the verdict that counted it (absent: no guard). */
export interface AdmittedEntry extends BatchEntry {
  verdict?: AntiLoopVerdict;
}

export async function guardEntries(
  deps: Pick<ApiDeps, 'guard'>,
  form: BatchForm,
  entries: readonly BatchEntry[],
): Promise<{ admitted: AdmittedEntry[]; refused: RejectedEntry[] }> {
  const guard = deps.guard;
  if (!guard) return { admitted: [...entries], refused: [] };
  const verdicts = await guard.admitMany(entries.map((entry) => entry.prepared));
  const admitted: AdmittedEntry[] = [];
  const refused: RejectedEntry[] = [];
  entries.forEach((entry, at) => {
    const verdict = verdicts[at] ?? { verdict: 'allowed' };
    if (verdict.verdict === 'allowed') {
      admitted.push({ ...entry, verdict });
      return;
    }
    const { code, description } = ANTI_LOOP_ERRORS[verdict.verdict];
    const path = [form, entry.index];
    refused.push({
      index: entry.index,
      error: { code, path, message: `${fieldLabel(path)}: ${description}` },
    });
  });
  return { admitted, refused };
}
