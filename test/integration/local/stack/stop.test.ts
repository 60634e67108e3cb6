import { describe, expect, it } from 'vitest';
import { startLocalStack } from '#local/start-stack.ts';
import { sharedDynamoEndpoint } from '#test/helpers/aws/shared-dynamodb-endpoint.ts';
import { within } from '#test/helpers/wait.ts';

// Ctrl-C on `npm start`: the bind-service lets its open long poll finish rather than throw away what
// SQS may have hidden for it (queue-consumer.ts), so the stop takes as long as that poll's wait.
// Locally that wait is short, so an idle stack stops at once instead of after the 20 s AWS uses.

/**
 * An idle stack stops in about 1.5 s here; the bound leaves room for a slow, shared CI host and
 * still fails the old behaviour, which waited out AWS's 20 s long poll.
 */
const IDLE_STOP_BOUND_MS = 10_000;

describe('stopping the local stack', () => {
  it('when the stack is idle and bound, then stop() returns within seconds, not after a 20 s long poll', {
    timeout: 45_000,
  }, async () => {
    // Prepare
    const stack = await startLocalStack({
      apiPort: 0,
      prefix: 'stop',
      dynamoEndpoint: sharedDynamoEndpoint(),
      write: () => undefined,
    });
    await stack.bindService?.whenBound().catch(async (error: unknown) => {
      await stack.stop();
      throw error;
    });
    // Act
    const startedAt = Date.now();
    await within(stack.stop(), 30_000, 'the local stack to stop');
    const stopMs = Date.now() - startedAt;
    // Assess
    expect(stopMs, `stop took ${stopMs} ms`).toBeLessThan(IDLE_STOP_BOUND_MS);
    expect(stack.bindServiceEnv.SQS_WAIT_SECONDS).toBe('1');
  });
});
