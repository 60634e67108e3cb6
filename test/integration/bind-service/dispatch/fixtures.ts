// Shared set-up for the dispatch integration tests: real DynamoDB Local + fauxqs (one pair per test
// file), a fresh table/queue prefix and an SMSC simulator per test, and the bind-service started
// from an environment like the container's. Everything a test starts is stopped after it.
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type BindServiceConfig, loadConfig } from '#bind-service/config.ts';
import { deliveryHandler } from '#bind-service/dispatch/deliveries/delivery-handler.ts';
import { type DispatchStats, emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import { type BindService, type BindServiceDeps, startBindService } from '#bind-service/service.ts';
import { SmppClient } from '#bind-service/smpp/index.ts';
import { InboundDeliveryStore } from '#core/aws/inbound/inbound-delivery-store.ts';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { queueDepth as sqsQueueDepth } from '#core/aws/queues/queue-depth.ts';
import { QueuePublisher } from '#core/aws/queues/queue-publisher.ts';
import type { QueueNames, TableNames } from '#core/aws/resources/resource-definitions.ts';
import { DEFAULT_ACCOUNT_NAME } from '#core/domain/accounts/account.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import {
  type Priority,
  type SendMessageInput,
  sendMessageSchema,
} from '#core/domain/requests/message-schema.ts';
import { validate } from '#core/domain/requests/validation-issues.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { type SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import type { LocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import type { Cleanup } from '../cleanup.ts';

/** The cleanup list every dispatch test uses (one copy for the engine's tests and these). */
export { useCleanup } from '../cleanup.ts';

export const ACCOUNT = { systemId: 'dispatch', password: 'test-only-password' } as const;

/** A distinct valid mobile number per index, so the simulator's duplicate and flood rules stay out. */
export const mobile = (index: number): string => `+7999${String(index).padStart(7, '0')}`;

export interface Rig {
  simulator: SmscSimulator;
  service: BindService;
  config: BindServiceConfig;
  tables: TableNames;
  queues: QueueNames;
  messages: MessageRepository;
  publisher: QueuePublisher;
  logs: Record<string, unknown>[];
}

export interface RigOptions {
  simulator?: Partial<SimulatorOptions>;
  /** Simulator account rate (msg/s); 0 = unlimited. */
  simulatorRate?: number;
  /** Overrides of the service's environment; a function gets the simulator's port. */
  env?: Record<string, string> | ((simulatorPort: number) => Record<string, string>);
  deps?: BindServiceDeps;
  /** false: start the service without waiting for its bind. */
  waitForBind?: boolean;
  /** Runs on the fresh resources before the service starts (e.g. to change a queue attribute). */
  beforeStart?: (resources: { tables: TableNames; queues: QueueNames }) => Promise<unknown>;
}

export function serviceEnv(
  aws: LocalAws,
  tables: TableNames,
  queues: QueueNames,
  port: number,
): Record<string, string> {
  return {
    SMPP_HOST: '127.0.0.1',
    SMPP_PORT: String(port),
    SMPP_SYSTEM_ID: ACCOUNT.systemId,
    SMPP_PASSWORD: ACCOUNT.password,
    SMPP_RESPONSE_TIMEOUT_SECONDS: '2',
    MESSAGES_TABLE: tables.messages,
    INBOUND_TABLE: tables.inbound,
    URGENT_QUEUE_URL: queues.urgent,
    BULK_QUEUE_URL: queues.bulk,
    URGENT_DLQ_URL: queues.urgentDlq,
    BULK_DLQ_URL: queues.bulkDlq,
    SQS_WAIT_SECONDS: '1',
    HEALTH_HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    DRAIN_SECONDS: '3',
    // The default: the lease is given up after 2/3 of it without a renewal, and DynamoDB Local on a
    // loaded machine can stall for seconds. Lease tests set their own.
    LEASE_TTL_SECONDS: '30',
    LEASE_RETRY_SECONDS: '0.2',
    AWS_REGION: aws.region,
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
  };
}

/** The login from a secret (SMPP_SECRET_ARN, deps.readSecret), rechecked every 0.2 s if refused. */
export const SECRET_LOGIN_ENV = {
  SMPP_SYSTEM_ID: '',
  SMPP_PASSWORD: '',
  SMPP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:smpp',
  SMPP_LOGIN_RECHECK_SECONDS: '0.2',
} as const;

export const FAST_SESSION: BindServiceDeps['session'] = {
  reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
  bindTimeoutMs: 2_000,
  unbindTimeoutMs: 500,
};

export async function startRig(aws: LocalAws, defer: (fn: Cleanup) => void, options: RigOptions = {}) {
  const [tables, queues] = await Promise.all([aws.freshTables(), aws.freshQueues()]);
  const simulator = new SmscSimulator({
    accounts: [{ ...ACCOUNT, rate: options.simulatorRate ?? 0 }],
    receiptDelayMs: 20,
    ...options.simulator,
  });
  await simulator.listen(0);
  defer(() => simulator.close());
  await options.beforeStart?.({ tables, queues });
  const env = typeof options.env === 'function' ? options.env(simulator.port) : options.env;
  const config = loadConfig({ ...serviceEnv(aws, tables, queues, simulator.port), ...env });
  const logs: Record<string, unknown>[] = [];
  const log = bindServiceLogger('debug', (line) => logs.push(JSON.parse(line)));
  const service = await startBindService(config, { log, session: FAST_SESSION, ...options.deps });
  defer(() => service.stop());
  if (options.waitForBind !== false) await service.whenBound();
  const rig: Rig = {
    simulator,
    service,
    config,
    tables,
    queues,
    messages: new MessageRepository(aws.document, tables.messages),
    publisher: new QueuePublisher(aws.sqs, queues),
    logs,
  };
  return rig;
}

/**
 * For tests that wire dispatch's parts themselves: an engine client for `simulator` whose deliveries go
 * to the real delivery handler (receipts onto `tables.messages`, incoming messages into
 * `tables.inbound`). Not started, so a test can listen to it first.
 */
export function receivingClient(
  aws: LocalAws,
  simulator: SmscSimulator,
  tables: Pick<TableNames, 'messages' | 'inbound'>,
  stats: DispatchStats = emptyStats(),
): { client: SmppClient; messages: MessageRepository } {
  const messages = new MessageRepository(aws.document, tables.messages);
  const client = new SmppClient({
    hosts: [{ host: '127.0.0.1', port: simulator.port }],
    systemId: ACCOUNT.systemId,
    password: ACCOUNT.password,
  });
  client.onDeliver(
    deliveryHandler({
      account: DEFAULT_ACCOUNT_NAME,
      receipts: messages,
      inbound: new InboundRepository(aws.document, tables.inbound),
      parts: new InboundDeliveryStore(aws.document, tables.inbound),
      isoMode: false,
      stats,
      log: silentLogger,
    }),
  );
  return { client, messages };
}

/** What the API does for POST /messages: validate, prepare, record `accepted`, then enqueue with the id. */
export async function sendLikeApi(
  rig: Rig,
  input: SendMessageInput,
  options: { lane?: Priority; beforePublish?: (id: string) => Promise<unknown> } = {},
): Promise<string> {
  const validated = validate(sendMessageSchema, input);
  if (!validated.success) throw new Error(`test input is invalid: ${JSON.stringify(validated.issues)}`);
  const request = validated.data;
  const prepared = prepareMessage(request, rig.config.prepare);
  const id = newMessageId();
  await rig.messages.createAccepted(acceptedMessageRecord({ id, request, prepared, now: new Date() }));
  await options.beforePublish?.(id);
  await rig.publisher.publish(options.lane ?? prepared.priority, { ...request, id, v: 1 });
  return id;
}

/** Every message record in the table (test tables are small). */
export async function messageRecords(aws: LocalAws, table: string): Promise<MessageRecord[]> {
  const { Items } = await aws.document.send(
    new ScanCommand({
      TableName: table,
      FilterExpression: 'begins_with(pk, :msg)',
      ExpressionAttributeValues: { ':msg': 'MSG#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as MessageRecord[];
}

/** Many API-shaped messages at once (batch record write, batch publish). */
export async function sendManyLikeApi(
  rig: Rig,
  inputs: SendMessageInput[],
  lane: Priority,
): Promise<string[]> {
  const entries = inputs.map((input) => {
    const validated = validate(sendMessageSchema, input);
    if (!validated.success) throw new Error('test input is invalid');
    const request = validated.data;
    const prepared = prepareMessage(request, rig.config.prepare);
    const id = newMessageId();
    return { id, record: acceptedMessageRecord({ id, request, prepared, now: new Date() }), request };
  });
  await rig.messages.createAcceptedBatch(entries.map((entry) => entry.record));
  await rig.publisher.publishBatch(
    lane,
    entries.map(({ id, request }) => ({ ...request, id, v: 1 })),
  );
  return entries.map((entry) => entry.id);
}

/** A raw body straight onto a queue, as another AWS service would publish it. */
export async function publishRaw(aws: LocalAws, queueUrl: string, body: string): Promise<string> {
  const { MessageId } = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  return MessageId ?? '';
}

/** Polls the record until `done` holds (DynamoDB announces nothing; the poll is bounded). */
export async function waitForRecord(
  rig: Pick<Rig, 'messages'>,
  id: string,
  done: (record: MessageRecord) => boolean,
  timeoutMs = 8_000,
): Promise<MessageRecord> {
  const deadline = Date.now() + timeoutMs;
  let last: MessageRecord | undefined;
  for (;;) {
    last = await rig.messages.get(id);
    if (last && done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for message ${id}; last status ${last?.status ?? '(no record)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const statusIs =
  (...statuses: MessageStatus[]) =>
  (record: MessageRecord): boolean =>
    statuses.includes(record.status);

/** Visible + in flight + delayed messages on a queue. */
export function queueDepth(aws: LocalAws, queueUrl: string): Promise<number> {
  return sqsQueueDepth(aws.sqs, queueUrl);
}

/** Waits for the bind-service's line about an invalid queue message: dead-lettered, or not yet. */
export function invalidMessageHandled(rig: Pick<Rig, 'logs'>): Promise<void> {
  return waitUntil(
    () =>
      rig.logs.some((line) =>
        /invalid queue message (rejected and dead-lettered|could not be rejected)/.test(String(line.msg)),
      ),
    15_000,
    'the bind-service to handle the invalid message',
    50,
  );
}

/** Polls until the queue holds nothing (its messages were deleted, not just hidden). */
export async function waitForEmptyQueue(aws: LocalAws, queueUrl: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queueDepth(aws, queueUrl)) > 0) {
    if (Date.now() > deadline) throw new Error(`queue ${queueUrl} still holds messages`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Receives what a DLQ holds, with its message attributes. */
export async function receiveAll(aws: LocalAws, queueUrl: string, expected: number) {
  const received = [];
  for (let polls = 0; polls < 10 && received.length < expected; polls++) {
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    received.push(...(Messages ?? []));
  }
  return received;
}
