import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 16: the SMSC sends each receipt twice, then an ENROUTE after the final one (a regressing
// report). The duplicate changes nothing, the ENROUTE does not move a final message back, and every
// one of them is acknowledged (the SMSC holds none).

describe('fault case 16: duplicate and regressing receipts', () => {
  it('when receipts come twice and then ENROUTE, then each message is delivered once and stays so', async () => {
    // Act
    const result = await runCase({
      number: 16,
      name: 'duplicate and regressing receipts (DELIVRD, DELIVRD, ENROUTE)',
      env: { SMPP_THROUGHPUT: '100' },
      simulator: {
        receiptDelayMs: 200,
        outcomeRules: [{ match: /^case16 /, stat: 'DELIVRD', laterReceipts: ['DELIVRD', 'ENROUTE'] }],
      },
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 16, { caseName: 'case16', count: 30 })));
        await stack.sim.waitFor(() => stack.sim.stats.receiptsAcked >= 90, 60_000);
        faultEnded();
      },
    });
    // Assess
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: 30 });
    const deliveredEntries = [...result.records.values()].map(
      (record) => record.history.filter((change) => change.status === 'delivered').length,
    );
    expect(deliveredEntries.every((count) => count === 1)).toBe(true);
    expect(result.holds).toBe(true);
  });
});
