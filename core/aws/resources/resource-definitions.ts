import type { Priority } from '#core/domain/requests/message-schema.ts';
// The tables and queues, described once as plain data. Both the local stack (local/resources.ts, via
// create-table-input.ts) and the CDK stack build from these objects, so a key, an index or a redrive
// limit cannot differ between a laptop and AWS. No SDK or CDK imports here on purpose.

export type KeyType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: KeyType;
}

export interface GlobalSecondaryIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  readonly projection:
    | { readonly type: 'ALL' | 'KEYS_ONLY' }
    | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };
}

export interface TableDefinition {
  /** Logical id (CDK construct id); the physical name comes from `tableNames(prefix)`. */
  readonly id: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  /** Epoch seconds; DynamoDB deletes expired items in the background (within ~48 h, not at once). */
  readonly ttlAttribute: string;
  readonly stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndexDefinition[];
}

export interface QueueDefinition {
  readonly id: string;
  /** Must exceed the longest claim → submit → SUBMIT_SM_RESP → delete cycle of one message. */
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly maxMessageSizeBytes: number;
  readonly receiveWaitTimeSeconds: number;
  /**
   * Receives without a delete before SQS moves the message to the DLQ. Only invalid messages belong
   * there, and the bind-service dead-letters those itself (with a `rejected` record); a valid message
   * it cannot send now is given back with a growing pause and ends `expired` when its validity has
   * passed. So the redrive is a backstop only (a message that crashes the consumer every time), set to
   * SQS's maximum, far above the receives a valid message can use up (give-back.ts).
   */
  readonly maxReceiveCount: number;
  readonly dlq: { readonly id: string; readonly messageRetentionSeconds: number };
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * One table for messages and their helper items (single-table design), keyed by `pk` only:
 * - `MSG#<id>`              the message record (the only items with `batchId`, so `byBatch` is sparse)
 * - `SMSC#<smscId>`         receipt lookup `{ messageId }`, plus `pendingReceipts` that came early;
 *                           `SMSC#<account>#<smscId>` for accounts other than the default
 * - `IDEM#<key>`            idempotency record `{ requestHash, response, fingerprint, messageId }`
 * - `LEASE#<systemId>`      the bind lease `{ owner, expiresAtMs }`
 * - `LOOP#TO#<hash>`        anti-loop state of a number `{ lastAtMs, streak, sent, version }`
 *                           (core/aws/anti-loop/anti-loop-guard.ts)
 * The stream carries both images so the status consumer sees which status a change came from.
 */
export const MESSAGES_TABLE = {
  id: 'Messages',
  partitionKey: { name: 'pk', type: 'S' },
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    {
      // Batch progress: a query counts statuses per batch (batches hold at most 1000 messages).
      indexName: 'byBatch',
      partitionKey: { name: 'batchId', type: 'S' },
      sortKey: { name: 'id', type: 'S' },
      projection: { type: 'INCLUDE', nonKeyAttributes: ['status'] },
    },
    {
      // Records that need a second look: `accepted` ones whose enqueue may never have happened (the
      // sweeper re-enqueues them), `unknown` ones with SMSC ids (the reconciler asks QUERY_SM), and
      // `unknown` ones without ids with the orphan receipts they may match (orphan-receipts.ts).
      // Sparse: only such items carry `attention`; the write that moves a message on removes it.
      indexName: 'byAttention',
      partitionKey: { name: 'attention', type: 'S' },
      sortKey: { name: 'attentionAt', type: 'S' },
      projection: { type: 'INCLUDE', nonKeyAttributes: ['id', 'status'] },
    },
  ],
} as const satisfies TableDefinition;

/**
 * Incoming (MO) messages, keyed `IN#SMSC#<normalised SMSC id>` (`IN#SMSC#<account>#<id>` for
 * accounts other than the default; or `IN#ID#<our id>` when the SMSC gave none) so a DELIVER_SM the
 * SMSC redelivers (our resp was lost) is stored once. NEW_IMAGE lets
 * a consumer forward incoming messages as events.
 */
export const INBOUND_TABLE = {
  id: 'Inbound',
  partitionKey: { name: 'pk', type: 'S' },
  ttlAttribute: 'expiresAt',
  stream: 'NEW_IMAGE',
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

export const TABLES = { messages: MESSAGES_TABLE, inbound: INBOUND_TABLE } as const;

/** How long items live before TTL removes them. Overridable per repository. */
export const RETENTION = {
  messageDays: 90,
  inboundDays: 90,
  idempotencyHours: 24,
} as const;

const DLQ_RETENTION_SECONDS = 14 * DAY_SECONDS;
/** SQS's largest redrive limit (see QueueDefinition.maxReceiveCount). */
const MAX_RECEIVE_COUNT = 1_000;

export const QUEUES = {
  // Single sends: a short visibility timeout so a message held by a crashed task comes back soon.
  urgent: {
    id: 'Urgent',
    visibilityTimeoutSeconds: 60,
    messageRetentionSeconds: 4 * DAY_SECONDS,
    maxMessageSizeBytes: 256 * 1024,
    receiveWaitTimeSeconds: 20,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    dlq: { id: 'UrgentDlq', messageRetentionSeconds: DLQ_RETENTION_SECONDS },
  },
  // Mass mailings wait behind urgent traffic inside the bind-service, so a received bulk message may
  // sit longer in a lane before its submit: a longer timeout avoids needless redelivery.
  bulk: {
    id: 'Bulk',
    visibilityTimeoutSeconds: 300,
    messageRetentionSeconds: 4 * DAY_SECONDS,
    maxMessageSizeBytes: 256 * 1024,
    receiveWaitTimeSeconds: 20,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    dlq: { id: 'BulkDlq', messageRetentionSeconds: DLQ_RETENTION_SECONDS },
  },
} as const satisfies Record<string, QueueDefinition>;

/**
 * The callback worker Lambda (lambdas/callbacks): its timeout, which the stack sets and the queue's
 * visibility timeout below follows. Its batch ends before it (lambdas/callbacks/handler.ts).
 */
export const CALLBACK_WORKER = { timeoutSeconds: 30 } as const;

/**
 * Signed status callbacks, one job per (message, status change), fed by the stream handler so one
 * dead receiver never holds the stream. The worker spreads a job's attempts out by setting its
 * visibility from the receive count (callback back-off), so the timeout here only bounds one attempt
 * in flight, and the jobs of a batch handed back unfinished (the worker's deadline); after
 * maxReceiveCount attempts the job rests on the DLQ.
 */
export const CALLBACK_QUEUE = {
  id: 'Callbacks',
  // Six times the worker's timeout, as AWS asks of an SQS event source: Lambda retries a throttled
  // invoke while the batch stays hidden, and a batch invoked late must not come back visible while
  // it is still being posted (each second receive posts the callback again and counts toward the DLQ).
  visibilityTimeoutSeconds: 6 * CALLBACK_WORKER.timeoutSeconds,
  messageRetentionSeconds: 4 * DAY_SECONDS,
  maxMessageSizeBytes: 256 * 1024,
  receiveWaitTimeSeconds: 20,
  maxReceiveCount: 8,
  dlq: { id: 'CallbacksDlq', messageRetentionSeconds: DLQ_RETENTION_SECONDS },
} as const satisfies QueueDefinition;

// One queue pair per priority: a priority without its queue fails to compile.
QUEUES satisfies Record<Priority, QueueDefinition>;

export interface TableNames {
  messages: string;
  inbound: string;
}

export interface QueueNames {
  urgent: string;
  bulk: string;
  urgentDlq: string;
  bulkDlq: string;
  callbacks: string;
  callbacksDlq: string;
}

export function tableNames(prefix: string): TableNames {
  return { messages: `${prefix}-messages`, inbound: `${prefix}-inbound` };
}

export function queueNames(prefix: string): QueueNames {
  return {
    urgent: `${prefix}-urgent`,
    bulk: `${prefix}-bulk`,
    urgentDlq: `${prefix}-urgent-dlq`,
    bulkDlq: `${prefix}-bulk-dlq`,
    callbacks: `${prefix}-callbacks`,
    callbacksDlq: `${prefix}-callbacks-dlq`,
  };
}
