import { setTimeout as delay } from 'node:timers/promises';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { giveBack } from '#bind-service/dispatch/intake/give-back.ts';
import { HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import { WorkerQueue } from '#bind-service/dispatch/intake/last-word.ts';
import { SqsLane } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { VisibilityKeeper } from '#bind-service/dispatch/intake/visibility-keeper.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

// The visibility keeper extended every message still held, whatever its worker last told SQS. A
// worker gives its message back with a pause (nothing sent, claim released, a store outage) and its
// entry is released only once that call is answered: a keeper tick in between sent a whole
// visibility timeout after the give-back, and SQS kept the message hidden, unworked, for 5 minutes
// on the bulk lane instead of the pause. The interleaving is driven by hand (the keeper's `now`
// injected, its tick run while the give-back is on its way).

describe('visibility keeper: a tick while a message is given back (fauxqs)', () => {
  const aws = useLocalAws({ sqs: true });

  it('when the keeper ticks while a held message is given back with a 1 s pause, then the message is visible again after that pause, not after the 300 s timeout', async () => {
    // Prepare: one bulk message received and held for more than half its visibility timeout.
    const queues = await aws.freshQueues();
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queues.bulk, MessageBody: 'm1' }));
    const lane = new SqsLane(aws.sqs, 'bulk', { url: queues.bulk, dlqUrl: queues.bulkDlq });
    let now = 0;
    const held = new HeldMessages(() => now);
    const keeper = new VisibilityKeeper({
      held,
      queues: { urgent: lane, bulk: lane },
      visibilitySeconds: { urgent: 60, bulk: 300 },
      log: silentLogger,
      now: () => now,
    });
    const [received] = await lane.receive(1, 1);
    if (!received) throw new Error('nothing received');
    const message = held.hold(received, 300);
    if (!message) throw new Error('not held');
    now = 200_000;
    // Act: the worker gives it back with a 1 s pause; the keeper's timer fires while that call is on
    // its way; then the worker ends and its entry is released.
    const givingBack = giveBack(new WorkerQueue(lane, message), message, 1, silentLogger);
    await delay(20);
    await keeper.sweep();
    await givingBack;
    await lane.flush();
    held.release(message);
    // Assess: given back with a 1 s pause, the message can be received again within 4 s.
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.bulk, MaxNumberOfMessages: 1, WaitTimeSeconds: 4 }),
    );
    expect((Messages ?? []).map((m) => m.Body)).toEqual(['m1']);
  }, 15_000);
});
