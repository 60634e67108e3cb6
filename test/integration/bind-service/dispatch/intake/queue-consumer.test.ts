import { setTimeout as delay } from 'node:timers/promises';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import { QueueConsumer } from '#bind-service/dispatch/intake/queue-consumer.ts';
import { type LaneQueue, SqsLane } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { createSqsClient } from '#core/aws/clients.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import { LOCAL_REGION } from '#local/resources.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { startTcpProxy } from '#test/helpers/net/tcp-proxy.ts';
import { waitUntil } from '#test/helpers/wait.ts';

// A stopping service must not abandon a ReceiveMessage already on its way: SQS has made those
// messages invisible when it answered, so an answer thrown away hides them for the whole visibility
// timeout (5 minutes in AWS) instead of handing them to the next task at once.

const VISIBILITY_SECONDS = 60;
const ANSWER_DELAY_MS = 600;
/** How long a worker takes to end after its give-back landed. */
const WORKER_TAIL_MS = 200;

/** The lane's queue, counting the receives asked of it. */
function countingReceives(lane: SqsLane): LaneQueue & { receives: number } {
  const counted = Object.assign(Object.create(lane) as SqsLane, {
    receives: 0,
    receive: (...args: Parameters<LaneQueue['receive']>) => {
      counted.receives += 1;
      return lane.receive(...args);
    },
  });
  return counted;
}

describe('queue consumer stop (fauxqs)', () => {
  const aws = useLocalAws({ sqs: true });

  /** Fresh queues with five messages, m1..m5, on the bulk queue. */
  async function fiveOnBulk() {
    const queues = await aws.freshQueues();
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.bulk,
        Entries: [1, 2, 3, 4, 5].map((n) => ({ Id: String(n), MessageBody: `m${n}` })),
      }),
    );
    return queues;
  }

  /** The bodies SQS hands out from the queue now, sorted (the visibility timeout is 60 s away). */
  async function visibleOnBulk(queueUrl: string): Promise<string[]> {
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );
    return (Messages ?? []).map((message) => message.Body ?? '').sort();
  }

  it('when receiving stops while a ReceiveMessage answer is on its way, then the messages in it are given back at once', async () => {
    // Prepare: 5 messages; the consumer's SQS answers arrive 600 ms late, so its stop lands mid-receive.
    const queues = await fiveOnBulk();
    const sqsPort = new URL(aws.sqsEndpoint).port;
    const proxy = await startTcpProxy(
      { host: '127.0.0.1', port: Number(sqsPort) },
      { answerDelayMs: ANSWER_DELAY_MS },
    );
    const slowSqs = createSqsClient({ region: LOCAL_REGION, endpoint: `http://127.0.0.1:${proxy.port}` });
    const lane = new SqsLane(slowSqs, 'bulk', {
      url: queues.bulk,
      dlqUrl: queues.bulkDlq,
    });
    const counted = countingReceives(lane);
    const processed: string[] = [];
    const consumer = new QueueConsumer({
      queue: counted,
      held: new HeldMessages(),
      limit: () => 10,
      pollers: 1,
      waitSeconds: 1,
      visibilitySeconds: VISIBILITY_SECONDS,
      whenBindFree: async () => undefined,
      // As the pipeline does once the service stops taking work: visible again at once.
      process: async (message) => {
        processed.push(message.body);
        await lane.changeVisibility(message.receiptHandle, 0);
      },
      log: createLogger({ service: 'test', write: () => undefined }),
    });
    try {
      // Act: stop while the first answer is held on the way back.
      consumer.start();
      await waitUntil(() => counted.receives === 1, 5_000, 'the first ReceiveMessage');
      await new Promise((resolve) => setTimeout(resolve, ANSWER_DELAY_MS / 3));
      await consumer.stopReceiving();
      await consumer.whenIdle(5_000);
      await lane.flush();
      // Assess: all five can be received again now, not after the visibility timeout.
      const again = await visibleOnBulk(queues.bulk);
      expect(processed.sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(again).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    } finally {
      slowSqs.destroy();
      await proxy.close();
    }
  });

  it('when a message given back at stop comes back in a receive still open, then it is given back again, not left hidden', async () => {
    // Prepare: 5 messages held until the stop; the consumer's one poller then has a long poll open.
    const queues = await fiveOnBulk();
    const sqs = createSqsClient({ region: LOCAL_REGION, endpoint: aws.sqsEndpoint });
    const lane = new SqsLane(sqs, 'bulk', { url: queues.bulk, dlqUrl: queues.bulkDlq });
    const counted = countingReceives(lane);
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const held = new HeldMessages();
    const logged: string[] = [];
    const consumer = new QueueConsumer({
      queue: counted,
      held,
      limit: () => 100,
      pollers: 1,
      waitSeconds: 5,
      visibilitySeconds: VISIBILITY_SECONDS,
      whenBindFree: async () => undefined,
      // As the pipeline does once the service stops taking work: visible again at once. The worker
      // ends a moment after its give-back landed, as it may on a busy task.
      process: async (message, queue: LaneQueue = lane) => {
        await stopped;
        await queue.changeVisibility(message.receiptHandle, 0);
        await delay(WORKER_TAIL_MS);
      },
      log: createLogger({ service: 'test', write: (line) => logged.push(line) }),
    });
    try {
      consumer.start();
      await waitUntil(
        () => consumer.holding === 5 && counted.receives === 2,
        5_000,
        '5 held and a poll open',
      );
      // Act: stop receiving (the open long poll is let finish), then the workers give back.
      const stopping = consumer.stopReceiving();
      stop();
      await stopping;
      await consumer.whenIdle(5_000);
      await lane.flush();
      // Assess: all five can be received again now, not after the visibility timeout.
      const again = await visibleOnBulk(queues.bulk);
      expect(again).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(held.size).toBe(0);
      // ...because the poll open at the stop had received all five again while their workers ended.
      const repeated = logged.filter((line) => line.includes('its last word repeated on the new delivery'));
      expect(repeated).toHaveLength(5);
    } finally {
      sqs.destroy();
    }
  });
});
