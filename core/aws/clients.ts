import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { attachCallCounter } from './call-counter.ts';

export interface AwsClientConfig {
  region: string;
  /**
   * Set only in local mode (DynamoDB Local, fauxqs). Local servers accept any credentials, so static
   * placeholders are used instead of the default chain: a developer's real AWS profile is never
   * picked up, signed with, or sent to a local process. In AWS the default chain (task/Lambda role)
   * applies. Credentials are never logged.
   */
  endpoint?: string;
  /** SDK attempts per call (throttling and 5xx are retried by the SDK); default 3. */
  maxAttempts?: number;
  /**
   * Upper bound for one HTTP request. The SDK has none by default, and a hung connection would hold
   * a DELIVER_SM answer (or a queue worker) indefinitely. Defaults: DynamoDB 5 s; SQS 30 s, above
   * the 20 s long poll.
   */
  requestTimeoutMs?: number;
  /** Upper bound for opening the TCP (and TLS) connection; default 2 s. */
  connectionTimeoutMs?: number;
  /**
   * Sockets open to the endpoint at once (the SDK's default: 50). Further requests wait in the
   * client's own agent queue, their requestTimeout already running: a client whose calls must not
   * queue behind another's needs a client (and an agent) of its own.
   */
  maxSockets?: number;
}

/**
 * A client's three time limits, for a caller that must finish inside a Lambda timeout: the SDK's
 * defaults (3 attempts, SQS 30 s each) outlast most of them.
 */
export type ClientLimits = Required<
  Pick<AwsClientConfig, 'maxAttempts' | 'connectionTimeoutMs' | 'requestTimeoutMs'>
>;

/** The longest one call can take when its endpoint hangs: every attempt waits for both timeouts. */
export function worstCallMs(limits: ClientLimits): number {
  return limits.maxAttempts * (limits.connectionTimeoutMs + limits.requestTimeoutMs);
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

const CONNECTION_TIMEOUT_MS = 2_000;

/** An SDK client's HTTP handler that gives up on a connect or a request after its time limit. */
export function boundedRequestHandler(
  limits: Pick<ClientLimits, 'connectionTimeoutMs' | 'requestTimeoutMs'>,
  maxSockets?: number,
) {
  return {
    connectionTimeout: limits.connectionTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Without it the handler only logs a warning when requestTimeout passes and keeps waiting: a
    // hung call would then hold its caller for good. With it the call fails with TimeoutError,
    // which the SDK retries (maxAttempts) and the adapters treat as transient.
    throwOnRequestTimeout: true,
    ...(maxSockets ? { httpAgent: { maxSockets } } : {}),
  };
}

function baseConfig(config: AwsClientConfig, defaultRequestTimeoutMs: number) {
  return {
    region: config.region,
    maxAttempts: config.maxAttempts ?? 3,
    requestHandler: boundedRequestHandler(
      {
        connectionTimeoutMs: config.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
        requestTimeoutMs: config.requestTimeoutMs ?? defaultRequestTimeoutMs,
      },
      config.maxSockets,
    ),
    ...(config.endpoint ? { endpoint: config.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  };
}

export interface DynamoDbClients {
  dynamo: DynamoDBClient;
  document: DynamoDBDocumentClient;
}

export function createDynamoDbClients(config: AwsClientConfig): DynamoDbClients {
  const dynamo = new DynamoDBClient(baseConfig(config, 5_000));
  // The document client shares this client's middleware stack: counted once, here.
  attachCallCounter(dynamo);
  const document = DynamoDBDocumentClient.from(dynamo, {
    // Optional record fields are left out rather than stored as NULL.
    marshallOptions: { removeUndefinedValues: true },
  });
  return { dynamo, document };
}

export function createDynamoDbStreamsClient(config: AwsClientConfig): DynamoDBStreamsClient {
  const client = new DynamoDBStreamsClient(baseConfig(config, 5_000));
  attachCallCounter(client);
  return client;
}

export function createSqsClient(config: AwsClientConfig): SQSClient {
  const client = new SQSClient(baseConfig(config, 30_000));
  attachCallCounter(client);
  return client;
}

/** PutEvents answers in tens of milliseconds: the 5 s default only cuts off a hung call. */
export function createEventBridgeClient(config: AwsClientConfig): EventBridgeClient {
  const client = new EventBridgeClient(baseConfig(config, 5_000));
  attachCallCounter(client);
  return client;
}
