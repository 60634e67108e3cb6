import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 17: the SMSC spells one message id two ways: zero-padded in the receipt but not in the
// SUBMIT_SM_RESP, or the other way round. Ids are compared as numbers (SMPP_MESSAGE_ID_BASE decimal),
// so every receipt still finds its message.

const VARIANTS = [
  { variant: 'padded in the receipt', padding: { receipt: 12 } },
  { variant: 'padded in the answer', padding: { answer: 12 } },
];

describe('fault case 17: zero-padded ids', () => {
  it.each(VARIANTS)(
    'when ids are $variant, then every receipt finds its message',
    async ({ variant, padding }) => {
      // Act
      const result = await runCase({
        number: 17,
        variant,
        name: 'zero-padded ids',
        env: { SMPP_THROUGHPUT: '100' },
        simulator: { idPadding: padding },
        act: async ({ stack, sent, faultEnded }) => {
          sent.push(
            ...(await sendMessages(stack.local.apiUrl, 17, { caseName: `case17-${variant}`, count: 30 })),
          );
          faultEnded();
        },
      });
      // Assess
      expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
      // receiptsMissing = [] (in holds): every message the SMSC accepted got its receipt applied.
      expect(result.report.receiptsMissing).toEqual([]);
      expect(result.report.states.delivered).toBeGreaterThan(0);
      expect(result.holds).toBe(true);
    },
  );
});
