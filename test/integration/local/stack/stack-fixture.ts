import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbClients, createSqsClient, type DynamoDbClients } from '#core/aws/clients.ts';
import { isFinal, type MessageStatus } from '#core/domain/messages/message-state.ts';
import { type MemoryEventSink, memoryEventSink } from '#lambdas/status-stream/event-publishers.ts';
import type { SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import { type LocalStack, startLocalStack } from '#local/start-stack.ts';
import { sharedDynamoEndpoint } from '#test/helpers/aws/shared-dynamodb-endpoint.ts';

// One whole local stack per test FILE (DynamoDB Local, fauxqs, simulator, API on a free port,
// bind-service, stream poller), started in beforeAll and stopped in afterAll. Tests in a file share
// it and keep apart by using their own recipients (the simulator's duplicate and flood rules are on).

export interface StackFixtureOptions {
  env?: Record<string, string>;
  simulator?: Partial<SimulatorOptions>;
  /**
   * A DynamoDB Local of the stack's own instead of the run's shared one: for volume tests whose
   * timing must not depend on what earlier files left in the shared JVM.
   */
  ownDynamo?: boolean;
}

/** GET /v1/messages/{id} as the tests read it. */
export interface MessageBody {
  id: string;
  to: string;
  kind: string;
  status: MessageStatus;
  parts: number;
  encoding: string;
  smscIds: string[];
  cost: string | null;
  mccmnc: string | null;
  error: { code: number | string; name: string; description: string } | null;
  hlr: Record<string, string> | null;
  report: Record<string, unknown> | null;
  history: { status: MessageStatus; at: string }[];
  clientRef?: string;
  batchId?: string;
}

export interface StackFixture {
  /** Name prefix of the stack's tables and queues (the shared DynamoDB Local holds other files' too). */
  readonly prefix: string;
  readonly stack: LocalStack;
  readonly sim: SmscSimulator;
  readonly events: MemoryEventSink;
  readonly document: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** The last log lines of every component, for diagnosing a failure. */
  readonly logs: string[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
  /** Polls GET until the message is final (or `until` holds); fails with its last state on timeout. */
  settled(id: string, timeoutMs?: number, until?: (message: MessageBody) => boolean): Promise<MessageBody>;
  /** Every item of a table whose pk starts with `prefix`. */
  items(table: string, prefix?: string): Promise<Record<string, unknown>[]>;
  /** Visible plus in-flight messages on a queue. */
  queueDepth(queueUrl: string): Promise<number>;
}

const KEPT_LOG_LINES = 500;

export function useLocalStack(options: StackFixtureOptions = {}): StackFixture {
  let stack: LocalStack | undefined;
  let clients: DynamoDbClients | undefined;
  let sqs: SQSClient | undefined;
  const events = memoryEventSink();
  const logs: string[] = [];
  const prefix = `stack${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    stack = await startLocalStack({
      env: { SMPP_THROUGHPUT: '200', ...options.env },
      apiPort: 0,
      // Tables of its own in one of the run's shared DynamoDB Locals (test/shared-dynamodb.ts).
      prefix,
      ...(options.ownDynamo ? {} : { dynamoEndpoint: sharedDynamoEndpoint() }),
      events: events.publish,
      simulator: { receiptDelayMs: 20, ...options.simulator },
      write: (line) => {
        logs.push(line);
        if (logs.length > KEPT_LOG_LINES) logs.splice(0, logs.length - KEPT_LOG_LINES);
      },
    });
    clients = createDynamoDbClients({ region: stack.region, endpoint: stack.endpoints.dynamodb });
    sqs = createSqsClient({ region: stack.region, endpoint: stack.endpoints.sqs });
    await stack.bindService?.whenBound();
  });

  afterAll(async () => {
    clients?.document.destroy();
    clients?.dynamo.destroy();
    sqs?.destroy();
    await stack?.stop();
  });

  const running = (): LocalStack => {
    if (!stack) throw new Error('the local stack is not running (use it inside tests)');
    return stack;
  };

  const get = (path: string) => fetch(running().apiUrl + path);

  return {
    prefix,
    get stack() {
      return running();
    },
    get sim() {
      const sim = running().simulator;
      if (!sim) throw new Error('the stack runs without the embedded simulator');
      return sim;
    },
    events,
    get document() {
      if (!clients) throw new Error('the local stack is not running');
      return clients.document;
    },
    get sqs() {
      if (!sqs) throw new Error('the local stack is not running');
      return sqs;
    },
    logs,
    post: (path, body, headers = {}) =>
      fetch(running().apiUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get,
    settled: async (id, timeoutMs = 5_000, until = (message) => isFinal(message.status)) => {
      const deadline = Date.now() + timeoutMs;
      let last: MessageBody | undefined;
      for (;;) {
        const response = await get(`/v1/messages/${id}`);
        if (response.status === 200) {
          last = (await response.json()) as MessageBody;
          if (until(last)) return last;
        } else {
          await response.arrayBuffer();
        }
        if (Date.now() > deadline) {
          throw new Error(`message ${id} not settled after ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    items: async (table, prefix = '') => {
      if (!clients) throw new Error('the local stack is not running');
      const found: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await clients.document.send(
          new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
        );
        found.push(...(page.Items ?? []).filter((item) => String(item.pk).startsWith(prefix)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return found;
    },
    queueDepth: async (queueUrl) => {
      if (!sqs) throw new Error('the local stack is not running');
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
  };
}

/** Polls an async condition until it holds; fails naming `what` after timeoutMs. */
export async function eventually(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The JSON body of an answer, typed as the test expects it (assertions check the shape). */
export async function bodyOf<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
