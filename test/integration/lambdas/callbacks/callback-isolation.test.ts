import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsCallbackEnqueuer } from '#core/aws/queues/callback-job.ts';
import {
  CALLBACK_QUEUE,
  type QueueNames,
  type TableNames,
} from '#core/aws/resources/resource-definitions.ts';
import { callbackSender } from '#core/callbacks/callback-sender.ts';
import { verifySignature } from '#core/callbacks/signature.ts';
import type { CallbackOutcome } from '#core/domain/messages/message-model.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import { dynamoOutcomeRecorder, sqsRetryDelayer } from '#lambdas/callbacks/adapters.ts';
import type { CallbackWorkerPorts } from '#lambdas/callbacks/handle-jobs.ts';
import { memoryEventSink } from '#lambdas/status-stream/event-publishers.ts';
import { handleStreamRecords } from '#lambdas/status-stream/handle-records.ts';
import { type CallbackWorkerLoop, startCallbackWorker } from '#local/callback-worker.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { deliveredRecord, messageItem, messageRecord } from '#test/unit/lambdas/status-stream/records.ts';

// Item 10 of issue 8: one dead callback receiver must not stall the stream or anyone else's callback.
// Real parts: DynamoDB Local (the message records), fauxqs (callback queue and its DLQ, with the
// shared redrive limit), HTTP receivers on 127.0.0.1, the stream handler and the local worker loop.

const SECRET = 'test-callback-secret-not-real';
const TIMEOUT_MS = 1_000;

interface Received {
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
}

/** Polls an async read (a table item, a queue depth) until it satisfies `done`, within a deadline. */
async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const aws = useLocalAws({ dynamo: true, sqs: true });
const silent = createLogger({ service: 'test', write: () => undefined });

/** Answers by path: /ok 204 (a 2xx but 200), /moved 302, /dead never (the sender times out). */
function receiver(received: Received[]): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', body, headers: request.headers });
      if (request.url === '/ok') response.writeHead(204).end();
      else if (request.url === '/moved')
        response.writeHead(302, { location: 'https://elsewhere.example' }).end();
      // /dead: left unanswered until the server closes.
    });
  });
}

describe('callback isolation', () => {
  const received: Received[] = [];
  let server: Server;
  let base: string;
  let tables: TableNames;
  let queues: QueueNames;
  let worker: CallbackWorkerLoop | undefined;

  beforeAll(async () => {
    server = receiver(received);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    [tables, queues] = await Promise.all([aws.freshTables(), aws.freshQueues()]);
  });

  afterAll(async () => {
    await worker?.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const workerPorts = (): CallbackWorkerPorts => ({
    sendCallback: callbackSender({ secret: async () => SECRET, allowLoopback: true, timeoutMs: TIMEOUT_MS }),
    recordOutcome: dynamoOutcomeRecorder(aws.document, tables.messages),
    delayRetry: sqsRetryDelayer(aws.sqs, queues.callbacks),
    maxAttempts: CALLBACK_QUEUE.maxReceiveCount,
    // No waiting between attempts here: the schedule itself is unit-tested (attempt-policy).
    backoff: () => 0,
    log: silent,
  });

  const storeMessage = async (id: string, callbackUrl: string) => {
    const record = messageRecord({ id, callbackUrl, status: 'delivered' });
    await aws.document.send(new PutCommand({ TableName: tables.messages, Item: messageItem(record) }));
  };

  const callbackOf = async (id: string): Promise<CallbackOutcome | undefined> => {
    const { Item } = await aws.document.send(
      new GetCommand({ TableName: tables.messages, Key: { pk: `MSG#${id}` } }),
    );
    return Item?.callback as CallbackOutcome | undefined;
  };

  const dlqDepth = async (): Promise<number> => {
    const { Attributes } = await aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.callbacksDlq,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? '0');
  };

  it('when one receiver never answers and another is healthy, then the stream reports no failure, the healthy one gets its callback at once, and the dead one ends on the DLQ after bounded attempts with the outcome recorded', async () => {
    // Prepare
    const healthy = '01JZ00000000000000000000H1';
    const dead = '01JZ00000000000000000000D1';
    await Promise.all([storeMessage(healthy, `${base}/ok`), storeMessage(dead, `${base}/dead`)]);
    const records = [
      deliveredRecord({ id: dead, callbackUrl: `${base}/dead` }),
      deliveredRecord({ id: healthy, callbackUrl: `${base}/ok` }),
    ];
    const sink = memoryEventSink();

    // Act
    const response = await handleStreamRecords(records, {
      publishEvents: sink.publish,
      enqueueCallbacks: sqsCallbackEnqueuer(aws.sqs, queues.callbacks),
      log: silent,
    });
    worker = startCallbackWorker({
      sqs: aws.sqs,
      queueUrl: queues.callbacks,
      ports: workerPorts(),
      log: silent,
    });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sink.events.map((event) => event.id)).toEqual([dead, healthy]);
    await waitUntil(() => received.some((r) => r.path === '/ok'), 3_000, 'the healthy callback');
    const delivered = received.find((r) => r.path === '/ok');
    expect(
      verifySignature(
        SECRET,
        {
          signature: String(delivered?.headers['x-signature']),
          timestamp: String(delivered?.headers['x-signature-timestamp']),
        },
        delivered?.body ?? '',
      ),
    ).toBe(true);
    expect(JSON.parse(delivered?.body ?? '{}')).toMatchObject({ id: healthy, status: 'delivered' });

    await eventually(dlqDepth, (depth) => depth > 0, 20_000, 'the dead callback job on the DLQ');
    expect(received.filter((r) => r.path === '/dead')).toHaveLength(CALLBACK_QUEUE.maxReceiveCount);
    expect(received.filter((r) => r.path === '/ok')).toHaveLength(1);
    expect(await callbackOf(dead)).toMatchObject({
      attempts: CALLBACK_QUEUE.maxReceiveCount,
      lastStatus: null,
      outcome: 'failed',
      forStatus: 'delivered',
    });
    expect(await callbackOf(healthy)).toMatchObject({ attempts: 1, lastStatus: 204, outcome: 'delivered' });
  }, 40_000);

  it('when a receiver answers 302, then one attempt is made, the message records it as rejected and nothing reaches the DLQ', async () => {
    // Prepare
    const moved = '01JZ00000000000000000000M1';
    await storeMessage(moved, `${base}/moved`);
    const before = received.filter((r) => r.path === '/moved').length;
    const depthBefore = await dlqDepth();
    worker ??= startCallbackWorker({
      sqs: aws.sqs,
      queueUrl: queues.callbacks,
      ports: workerPorts(),
      log: silent,
    });

    // Act
    const response = await handleStreamRecords(
      [deliveredRecord({ id: moved, callbackUrl: `${base}/moved` })],
      {
        publishEvents: memoryEventSink().publish,
        enqueueCallbacks: sqsCallbackEnqueuer(aws.sqs, queues.callbacks),
        log: silent,
      },
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const outcome = await eventually(
      () => callbackOf(moved),
      (value) => value !== undefined,
      10_000,
      'the outcome of the 302 callback',
    );
    expect(outcome).toMatchObject({ attempts: 1, lastStatus: 302, outcome: 'rejected' });
    expect(received.filter((r) => r.path === '/moved')).toHaveLength(before + 1);
    expect(await dlqDepth()).toBe(depthBefore);
  }, 20_000);
});
