import { ANTI_LOOP_ERRORS } from '#core/domain/anti-loop.ts';
import type { ApiDeps } from '../deps.ts';
import type { BatchEntry, BatchForm, RejectedEntry } from './batch-entries.ts';
import { fieldLabel } from './issues.ts';

// The anti-loop rules for each entry of a batch: an entry repeating one sent within the window, or
// one past the per-number limit, is rejected with its index like any invalid entry (nothing stored).

/** Guard writes under way at once: a batch of 1000 must not queue 1000 transactions on one client. */
const CONCURRENCY = 16;

export async function guardEntries(
  deps: Pick<ApiDeps, 'guard'>,
  form: BatchForm,
  entries: readonly BatchEntry[],
): Promise<{ admitted: BatchEntry[]; refused: RejectedEntry[] }> {
  const guard = deps.guard;
  if (!guard) return { admitted: [...entries], refused: [] };
  const verdicts = new Array<'duplicate' | 'flood' | undefined>(entries.length);
  let next = 0;
  const worker = async () => {
    for (let at = next++; at < entries.length; at = next++) {
      const admitted = await guard.admit(entries[at]!.prepared);
      verdicts[at] = admitted.verdict === 'allowed' ? undefined : admitted.verdict;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, worker));
  const admitted: BatchEntry[] = [];
  const refused: RejectedEntry[] = [];
  entries.forEach((entry, at) => {
    const verdict = verdicts[at];
    if (!verdict) {
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
