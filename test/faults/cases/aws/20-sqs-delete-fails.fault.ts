import { describe, expect, it } from 'vitest';
import { elapse } from '#test/helpers/wait.ts';
import { runCase } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 20: every SQS DeleteMessageBatch from the bind-service fails (the SQS proxy resets the link
// on that call and lets every other call pass) for 10 s, so messages already sent come back when
// their visibility runs out. Each redelivered copy must be recognised from the table and deleted,
// never sent to the SMSC again.

describe('fault case 20: SQS delete fails', () => {
  it('when deletes fail and sent messages are redelivered, then none is sent twice', async () => {
    // Prepare
    let deletesRefused = 0;
    // Act
    const result = await runCase({
      number: 20,
      name: 'SQS delete fails; redelivered messages recognised',
      env: { SMPP_THROUGHPUT: '50' },
      queueVisibilitySeconds: 3,
      act: async ({ stack, sent, faultEnded }) => {
        stack.proxies.sqs.setRequestFilter((chunk) => {
          const hit = chunk.includes('AmazonSQS.DeleteMessageBatch');
          if (hit) deletesRefused++;
          return hit;
        });
        sent.push(...(await sendMessages(stack.local.apiUrl, 20, { caseName: 'case20', count: 60 })));
        await elapse(10_000);
        stack.proxies.sqs.setRequestFilter(undefined);
        faultEnded();
      },
      settleMs: 90_000,
    });
    // Assess
    expect(deletesRefused).toBeGreaterThan(0);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: 60 });
    expect(result.holds).toBe(true);
  });
});
