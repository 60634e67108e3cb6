import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach } from 'vitest';
import type { QueueNames, TableNames } from '#core/aws/resources/resource-definitions.ts';
import type { LogLine } from '#core/observability/logger.ts';
import { loadConfig } from '#lambdas/api/config.ts';
import { type ApiDeps, createDeps } from '#lambdas/api/deps.ts';
import { apiLogger } from '#lambdas/api/http/request-log.ts';
import { type ApiServer, startApiServer } from '#lambdas/api/server.ts';
import { LOCAL_API_LIMITS } from '#local/stack-config.ts';
import { ItemFaultProxy } from '../aws/item-fault-proxy.ts';
import { type LocalAws, useLocalAws } from '../aws/local-aws.ts';
import { captureLogs } from '../logs.ts';

// The HTTP API on its real Node server, wired by the same config → deps path as the Lambda, against
// DynamoDB Local and fauxqs. One pair of servers per test file (useLocalAws); each test gets fresh
// tables and queues, so tests never see each other's data.

export interface ApiStack {
  url: string;
  deps: ApiDeps;
  tables: TableNames;
  queues: QueueNames;
  /** Every log line the API wrote, parsed. */
  logs: LogLine[];
  /** POST a JSON value (or raw string/bytes as given) with content-type application/json. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
}

export interface StackOptions {
  env?: Record<string, string>;
  /**
   * Puts something between the app and its real adapters, to place an event (a claim by the
   * bind-service, a lost SQS answer) at a chosen point of a request. The adapters stay the real ones.
   */
  wrap?: (deps: ApiDeps, resources: { tables: TableNames; queues: QueueNames }) => ApiDeps;
  /** The API's clock (a test that moves time); default the real one. */
  clock?: () => Date;
  /** Reuse the tables/queues of an earlier stack (a second API instance on the same data). */
  tables?: TableNames;
  queues?: QueueNames;
}

export interface AwsFaultProxies {
  dynamodb: ItemFaultProxy;
  sqs: ItemFaultProxy;
}

export interface ApiHarness {
  aws: LocalAws;
  /** A fresh API server (closed after the test) on fresh tables and queues unless given. */
  start(options?: StackOptions): Promise<ApiStack>;
  /** The same, its DynamoDB and SQS calls through item fault proxies (closed after the test). */
  startBehindProxies(options?: StackOptions): Promise<ApiStack & { proxies: AwsFaultProxies }>;
  /** Items of the messages table whose pk starts with `prefix` (MSG#, IDEM#, ...). */
  items(table: string, prefix: string): Promise<Record<string, unknown>[]>;
  /** Receives (and deletes) everything on a queue until it answers empty; bodies parsed. */
  drain(queueUrl: string): Promise<Record<string, unknown>[]>;
}

export function useApiHarness(): ApiHarness {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const start = async (options: StackOptions = {}): Promise<ApiStack> => {
    const [tables, queues] = await Promise.all([
      options.tables ?? aws.freshTables(),
      options.queues ?? aws.freshQueues(),
    ]);
    const config = loadConfig({
      MESSAGES_TABLE: tables.messages,
      URGENT_QUEUE_URL: queues.urgent,
      BULK_QUEUE_URL: queues.bulk,
      AWS_REGION: aws.region,
      AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
      // As `npm start` runs the API; a test of the AWS bounds sets them back (empty = default).
      ...LOCAL_API_LIMITS,
      ALLOW_LOOPBACK_CALLBACKS: 'true',
      ...options.env,
    });
    // The API's own logger, its lines parsed back from JSON: what a log query would see.
    const { lines: logs, write } = captureLogs();
    const built = createDeps(config, {
      log: apiLogger(write),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const deps = options.wrap ? options.wrap(built.deps, { tables, queues }) : built.deps;
    const server: ApiServer = await startApiServer({ port: 0, deps });
    cleanups.push(
      () => built.destroy(),
      () => server.close(),
    );
    return {
      url: server.url,
      deps: built.deps,
      tables,
      queues,
      logs,
      post: (path, body, headers = {}) =>
        fetch(server.url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        }),
      get: (path) => fetch(server.url + path),
    };
  };

  const items = async (table: string, prefix: string) => {
    const found: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await aws.document.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      found.push(...(page.Items ?? []).filter((item) => String(item.pk).startsWith(prefix)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  };

  const drain = async (queueUrl: string) => {
    const bodies: Record<string, unknown>[] = [];
    for (;;) {
      const { Messages = [] } = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return bodies;
      bodies.push(...Messages.map((message: Message) => JSON.parse(message.Body ?? 'null')));
      await aws.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
  };

  const startBehindProxies = async (options: StackOptions = {}) => {
    const proxies = {
      dynamodb: new ItemFaultProxy(aws.dynamoEndpoint),
      sqs: new ItemFaultProxy(aws.sqsEndpoint),
    };
    cleanups.push(
      () => proxies.dynamodb.close(),
      () => proxies.sqs.close(),
    );
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: await proxies.dynamodb.listen(),
      AWS_ENDPOINT_URL_SQS: await proxies.sqs.listen(),
      ...options.env,
    };
    return { ...(await start({ ...options, env })), proxies };
  };

  return { aws, start, startBehindProxies, items, drain };
}

/**
 * `target` with some methods replaced; every other call reaches the real object (a spread would lose
 * a class instance's methods, which live on its prototype).
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return Object.assign(Object.create(target) as T, overrides);
}

/** A problem+json answer's body, checking the content type on the way. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { code: string; path: (string | number)[]; message: string }[];
  [key: string]: unknown;
}

export async function problemOf(response: Response): Promise<Problem> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${contentType}: ${await response.text()}`);
  }
  return (await response.json()) as Problem;
}

/** The body of a 202 for POST /v1/messages. */
export interface AcceptedBody {
  id: string;
  status: string;
  encoding: string;
  parts: number;
}

/** A JSON answer's body, typed as the test expects it (assertions check the actual shape). */
export async function jsonOf<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/**
 * An API whose bulk lane cannot be published to (its queue URL names a queue fauxqs lacks) and whose
 * DynamoDB fails every try of a write that marks a record `enqueue_failed`.
 */
export async function startWithUnmarkableBulkLane(
  harness: ApiHarness,
): Promise<ApiStack & { proxies: AwsFaultProxies }> {
  const queues = await harness.aws.freshQueues();
  const api = await harness.startBehindProxies({
    queues: { ...queues, bulk: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
  });
  api.proxies.dynamodb.setCallRule(({ body }) => body.includes('enqueue_failed'));
  return api;
}
