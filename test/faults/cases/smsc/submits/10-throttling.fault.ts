import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsClient } from '#core/aws/clients.ts';
import { elapse } from '#test/helpers/wait.ts';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 10: the SMSC answers every submit with ESME_RTHROTTLED (0x58), then with ESME_RMSGQFUL
// (0x14), for a while. Scaled down: the 60 s of throttling is 2 × 5 s here (the back-off and
// its recovery take seconds, not minutes). The rate backs off, nothing fails, nothing reaches a DLQ,
// and everything is delivered once the SMSC takes submits again.

const THROTTLE_MS = 5_000;

describe('fault case 10: throttling answers', () => {
  it('when the SMSC throttles for 10 s, then the rate backs off, nothing fails and all is delivered after', async () => {
    // Prepare
    let rateDuringFault = Number.NaN;
    let throttledAnswers = 0;
    const dlqDepth: number[] = [];
    // Act
    const result = await runCase({
      number: 10,
      name: 'throttling answers (0x58, 0x14) for 10 s',
      env: { SMPP_THROUGHPUT: '50' },
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 10, { caseName: 'case10', count: 20 })));
        await stack.sim.waitFor(() => stack.sim.messages.length >= 5, 20_000);
        stack.sim.fault({ type: 'throttle' });
        const more = sendMessages(stack.local.apiUrl, 10, { caseName: 'case10', count: 80, from: 20 });
        await elapse(THROTTLE_MS);
        stack.sim.clearFaults();
        stack.sim.fault({ type: 'status', commandStatus: 0x14 });
        await elapse(THROTTLE_MS);
        const health = (await (await fetch(stack.healthUrl)).json()) as { rate: number };
        rateDuringFault = health.rate;
        stack.sim.clearFaults();
        sent.push(...(await more));
        faultEnded();
      },
      settleMs: 90_000,
      afterSettle: async (stack) => {
        throttledAnswers = stack.sim.stats.throttled;
        const sqs = createSqsClient({ region: stack.local.region, endpoint: stack.local.endpoints.sqs });
        for (const url of [stack.local.queues.urgentDlq, stack.local.queues.bulkDlq]) {
          const { Attributes } = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
          );
          dlqDepth.push(Number(Attributes?.ApproximateNumberOfMessages));
        }
        sqs.destroy();
      },
    });
    // Assess
    expect(throttledAnswers).toBeGreaterThan(0);
    expect(dlqDepth).toEqual([0, 0]);
    expect(rateDuringFault).toBeLessThan(50);
    expect(result.report.states).toEqual({ delivered: 100 });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
