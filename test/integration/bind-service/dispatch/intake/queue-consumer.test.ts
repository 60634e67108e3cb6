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

describe('queue consumer stop (fauxqs behind a slow link)', () => {
  const aws = useLocalAws({ sqs: true });

  it('when receiving stops while a ReceiveMessage answer is on its way, then the messages in it are given back at once', async () => {
    // Prepare: 5 messages; the consumer's SQS answers arrive 600 ms late, so its stop lands mid-receive.
    const queues = await aws.freshQueues();
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.bulk,
        Entries: [1, 2, 3, 4, 5].map((n) => ({ Id: String(n), MessageBody: `m${n}` })),
      }),
    );
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
    let receives = 0;
    const counted: LaneQueue = Object.assign(Object.create(lane) as SqsLane, {
      receive: (...args: Parameters<LaneQueue['receive']>) => {
        receives += 1;
        return lane.receive(...args);
      },
    });
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
      await waitUntil(() => receives === 1, 5_000, 'the first ReceiveMessage');
      await new Promise((resolve) => setTimeout(resolve, ANSWER_DELAY_MS / 3));
      await consumer.stopReceiving();
      await consumer.whenIdle(5_000);
      await lane.flush();
      // Assess: all five can be received again now, not after the visibility timeout.
      const again = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues.bulk, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
      );
      expect(processed.sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect((again.Messages ?? []).map((message) => message.Body).sort()).toEqual([
        'm1',
        'm2',
        'm3',
        'm4',
        'm5',
      ]);
    } finally {
      slowSqs.destroy();
      await proxy.close();
    }
  });
});
