import { type AdmitOptions, AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { createDynamoDbClients, createSqsClient } from '#core/aws/clients.ts';
import {
  type BatchCounts,
  type BatchCreation,
  type CreateAcceptedResult,
  type IdempotencyInput,
  MessageRepository,
  type StoredIdempotency,
  type TransitionResult,
} from '#core/aws/messages/message-repository.ts';
import { type PublishOptions, QueuePublisher } from '#core/aws/queues/queue-publisher.ts';
import type { AccountList, AccountPolicy } from '#core/domain/accounts/account.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import type { PreparedMessage, PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import type { AntiLoopVerdict } from '#core/domain/provider/anti-loop.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { ApiConfig } from './config.ts';
import { apiLogger } from './http/request-log.ts';

// What the use cases need from the outside world, built once per process (Lambda cold start, or the
// local server) from the validated config. Local mode and Lambda build them with the same function;
// only the endpoints differ.

/** The message records the API writes and reads (the DynamoDB adapter satisfies it). */
export interface RecordStore {
  createAccepted(record: MessageRecord, idempotency?: IdempotencyInput): Promise<CreateAcceptedResult>;
  /** What an Idempotency-Key's record holds; undefined when none or expired. */
  readIdempotency(key: string): Promise<StoredIdempotency | undefined>;
  /** Another full lifetime for an idempotency record still holding this request. */
  keepIdempotencyAlive(key: string, requestHash: string): Promise<void>;
  /** What `signal` (the batch's deadline) stopped it from writing is returned, not thrown. */
  createAcceptedBatch(
    records: readonly MessageRecord[],
    options?: { signal?: AbortSignal | undefined },
  ): Promise<BatchCreation>;
  get(id: string): Promise<MessageRecord | undefined>;
  markNotQueued(id: string, error: MessageError): Promise<TransitionResult>;
  markQueued(id: string): Promise<TransitionResult>;
  batchCounts(batchId: string): Promise<BatchCounts>;
}

/** Where accepted messages wait for the bind-service: one lane per priority. */
export interface QueueSink {
  publish(lane: Priority, body: object, options?: PublishOptions): Promise<string>;
  publishBatch(
    lane: Priority,
    bodies: readonly object[],
    options?: Pick<PublishOptions, 'signal'>,
  ): Promise<string[]>;
}

/** The provider's anti-loop rules: one verdict per message. */
export interface AdmissionGuard {
  admit(prepared: PreparedMessage, options?: AdmitOptions): Promise<AntiLoopVerdict>;
  admitMany(messages: readonly PreparedMessage[]): Promise<AntiLoopVerdict[]>;
  /** Closes the duplicate window an allowed message opened, when it will never be sent. */
  withdraw(prepared: PreparedMessage, windowEndsAtMs: number): Promise<void>;
  /** What the rules know a message by (with the default sender for one without `from`). */
  fingerprint(prepared: PreparedMessage): string;
}

export interface ApiDeps {
  messages: RecordStore;
  queues: QueueSink;
  /** Exactly the bind-service's settings, so the 202's encoding and parts are what will be sent. */
  prepare: PrepareOptions;
  /** The deployment's accounts, the default first: routing and who may use which. */
  accounts: AccountList<AccountPolicy>;
  /**
   * How long a batch request may take, from its start, to store and publish its messages: what is
   * not stored or not published by then is answered as not queued (use-cases/accept-batch.ts).
   */
  batchBudgetMs: number;
  /** The provider's anti-loop rules across invocations; absent = not applied. */
  guard?: AdmissionGuard;
  clock: () => Date;
  log: Logger;
}

export interface BuiltDeps {
  deps: ApiDeps;
  /** Closes the SDK clients' sockets (local server shutdown, tests); Lambda never calls it. */
  destroy(): void;
}

export function createDeps(
  config: ApiConfig,
  overrides: Partial<Pick<ApiDeps, 'clock' | 'log'>> = {},
): BuiltDeps {
  const dynamo = createDynamoDbClients({
    region: config.region,
    ...config.limits.dynamodb,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
  });
  const sqs = createSqsClient({
    region: config.region,
    ...config.limits.sqs,
    ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}),
  });
  const clock = overrides.clock ?? (() => new Date());
  return {
    deps: {
      messages: new MessageRepository(dynamo.document, config.messagesTable, { clock }),
      queues: new QueuePublisher(sqs, config.queueUrls, { accountQueues: config.accountQueues }),
      prepare: config.prepare,
      accounts: config.accounts,
      batchBudgetMs: config.limits.batchBudgetMs,
      guard: new AntiLoopGuard(dynamo.document, config.messagesTable, config.antiLoop, clock),
      clock,
      log: overrides.log ?? apiLogger(),
    },
    destroy() {
      dynamo.document.destroy();
      dynamo.dynamo.destroy();
      sqs.destroy();
    },
  };
}
