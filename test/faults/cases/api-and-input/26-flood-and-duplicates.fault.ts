import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';

// Case 26: 60 messages to one number in 10 s (the provider blocks the 51st, err 251) and the same text
// to one number twice within a minute (the provider refuses the second): every message ends in a
// clear final state; none is lost, stuck or retried in a loop.

describe('fault case 26: flood and duplicate rules', () => {
  it('when one number gets 60 messages and one text is sent twice, then each ends in a clear final state', async () => {
    let secondCopy: string | undefined;
    const result = await runCase({
      number: 26,
      name: '60 messages to one number; same text twice',
      env: { SMPP_THROUGHPUT: '100' },
      // The provider's duplicate rule is this case's subject: on (the suite turns it off elsewhere),
      // and its refusal of the second copy is expected.
      simulator: { duplicateWindowMs: 60_000 },
      expectedDuplicateRefusals: ['case26 twice'],
      act: async ({ stack, sent, faultEnded }) => {
        const post = async (to: string, text: string) => {
          const response = await fetch(`${stack.local.apiUrl}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ to, text }),
          });
          const body = (await response.json()) as { id?: string };
          return response.status === 202 ? body.id : undefined;
        };
        for (let i = 0; i < 60; i++) {
          const text = `case26 flood #${i}`;
          const id = await post('+79992600001', text);
          if (id) sent.push({ id, to: '+79992600001', text });
        }
        const first = await post('+79992600002', 'case26 twice');
        if (first) sent.push({ id: first, to: '+79992600002', text: 'case26 twice' });
        // The copy is refused at the API (409) or by the SMSC (failed); either is final.
        secondCopy = await post('+79992600002', 'case26 twice');
        faultEnded();
      },
    });
    // Every accepted message is final (the harness's lost check); the duplicate text reached the SMSC
    // at most once (its duplicates check, over every SUBMIT_SM).
    expect(result.report.lost).toEqual([]);
    expect(result.report.duplicates).toEqual([]);
    expect(result.report.unknownUnanswered).toBe(0);
    if (secondCopy) expect(result.records.get(secondCopy)?.status).toMatch(/^(failed|rejected)$/);
    expect(result.holds).toBe(true);
  });
});
