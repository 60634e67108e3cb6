import type {
  INBOUND_TABLE,
  MESSAGES_TABLE,
  TableDefinition,
} from '#core/aws/resources/resource-definitions.ts';

// What each consumer of the tables may do there: exactly the DynamoDB calls its code makes, each
// with the code path that makes it. A missing action is an outage no local test shows (DynamoDB
// Local checks no IAM); one too many is access nobody needs. When the code starts a new kind of
// call, its action goes here with its path; the grants are checked in
// test/infra/messaging/table-grants.test.ts.
//
// How the SDK calls map to IAM actions (the lib-dynamodb document commands map as the plain ones):
// - TransactWriteItems is authorised per item, as PutItem / UpdateItem / DeleteItem /
//   ConditionCheckItem: only the kinds of item a consumer's transactions hold are listed.
// - BatchExecuteStatement is authorised per statement: our statements are PartiQL UPDATEs
//   (core/aws/grouped/grouped-updates.ts), hence PartiQLUpdate (no PartiQLSelect: no SELECT is sent).
// - BatchGetItem and BatchWriteItem are actions of their own.
// - Query on an index is authorised on the index's ARN alone; no code queries the base table.
// Item actions are granted on the table ARN only: an index holds no items to write or get.

/** Actions on a table's items; granted on the table's ARN. */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem'
  | 'dynamodb:PartiQLUpdate';

/** The actions that change items: with a customer-managed key these need it to encrypt as well. */
export const WRITE_ACTIONS: ReadonlySet<ItemAction> = new Set<ItemAction>([
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
]);

type IndexNameOf<T extends TableDefinition> = T['globalSecondaryIndexes'][number]['indexName'];

/** One consumer's access to one table. */
export interface TableAccess<IndexName extends string = string> {
  readonly items: readonly ItemAction[];
  /** Indexes it queries: dynamodb:Query on each one's ARN, and nothing else on any index. */
  readonly queries?: readonly IndexName[];
}

export type MessagesAccess = TableAccess<IndexNameOf<typeof MESSAGES_TABLE>>;
export type InboundAccess = TableAccess<IndexNameOf<typeof INBOUND_TABLE>>;

// Paths are under core/aws/ unless they say otherwise; `repository` is MessageRepository
// (messages/message-repository.ts), `guard` the AntiLoopGuard (anti-loop/anti-loop-guard.ts).

/**
 * The api Lambda (lambdas/api/deps.ts: RecordStore and AdmissionGuard are all it calls).
 * Not granted: DeleteItem (the only delete is the bind-service's lease, lease.ts), ConditionCheckItem
 * (its transactions hold Puts only), Query on byAttention (the sweeper's and reconciler's index).
 */
export const API_MESSAGES: MessagesAccess = {
  items: [
    // repository.get; readIdempotency (message-creation.ts); guard.admit's read of a number's state.
    'dynamodb:GetItem',
    // guard.admitMany reads the batch's numbers (batch-get.ts batchGetConsistent).
    'dynamodb:BatchGetItem',
    // createAccepted: a conditional put, or a transaction of two Puts with an idempotency key
    // (message-creation.ts); guard.admit's put and admitMany's transactions of Puts.
    'dynamodb:PutItem',
    // keepIdempotencyAlive (extendIdempotency); guard.withdraw.
    'dynamodb:UpdateItem',
    // createAcceptedBatch: BatchWriteItem of PutRequests (message-creation.ts writeChunk).
    'dynamodb:BatchWriteItem',
    // markNotQueued, markQueued: conditional updates sent as PartiQL (messages/message-writes.ts).
    'dynamodb:PartiQLUpdate',
  ],
  // batchCounts (messages/batch-counts.ts).
  queries: ['byBatch'],
};

/**
 * The bind-service task (bind-service/service.ts, account/account-runtime.ts: the repository behind
 * dispatch/ports.ts MessageStore, ReceiptStore, LateAnswerStore and ReconcileStore; the guard; the
 * login lease). Not granted: BatchWriteItem (createAcceptedBatch is the API's), ConditionCheckItem
 * (its transactions hold Puts and Updates only), Query on byBatch (batchCounts is the API's).
 */
export const BIND_SERVICE_MESSAGES: MessagesAccess = {
  items: [
    // repository.get (the reconciler); the orphan's lookup (messages/attention/orphan-receipts.ts
    // readLookup); the lease's currentHolder (lease.ts); guard.admit's read.
    'dynamodb:GetItem',
    // Consistent reads grouped into BatchGetItem (grouped/grouped-gets.ts): claims, claimOf,
    // receipt lookups, late answers, orphan matching; the lease roster's holders (lease.ts);
    // guard.admitMany (batch-get.ts).
    'dynamodb:BatchGetItem',
    // createAccepted (without an idempotency key), createAwaitingRules, createRejected
    // (message-creation.ts putNew); the lease's acquireLease (lease.ts); guard.admit's put and
    // admitMany's transactions of Puts (anti-loop/anti-loop-batch.ts).
    'dynamodb:PutItem',
    // markSubmitted/markUnknown/markFailed with SMSC ids and late answers: transactions of Updates
    // of the message and its lookups (messages/lookup-writes.ts); parking and draining receipts
    // (messages/receipts/receipt-applier.ts); nextQueryAt, nextMatchAt, handOverUnmatched
    // (messages/attention/attention.ts deferUnknown); the lease's renewLease; guard.withdraw.
    'dynamodb:UpdateItem',
    // The lease's release (lease.ts releaseLease), the only DeleteCommand in the code.
    'dynamodb:DeleteItem',
    // Every status transition (claim, release, unknown, failed, expired, rejected, receipts):
    // conditional updates grouped into BatchExecuteStatement (grouped/grouped-updates.ts).
    'dynamodb:PartiQLUpdate',
  ],
  // unknownToQuery, unmatchedToCheck, the orphans of matchOrphanReceipt (messages/attention/).
  queries: ['byAttention'],
};

/**
 * The bind-service task on the inbound table: only inbound/inbound-repository.ts (Get, Put) and
 * inbound/inbound-delivery-store.ts (Get, Put, Update) touch it. Not granted: BatchGetItem, Query,
 * BatchWriteItem, DeleteItem, ConditionCheckItem, PartiQLUpdate (no such call on it; it has no index).
 */
export const BIND_SERVICE_INBOUND: InboundAccess = {
  items: [
    // storePart's fresh read of an assembly (readAssembly); InboundRepository.find.
    'dynamodb:GetItem',
    // recordInbound; recordUnparsedReceipt; an assembly started over (storePart's replace).
    'dynamodb:PutItem',
    // Every part written into an assembly (storePart's guarded writes); finishAssembly.
    'dynamodb:UpdateItem',
  ],
};

/** The sweeper (lambdas/sweeper/sweep.ts SweptRecords: findDueAccepted, get, rescheduleAccepted). */
export const SWEEPER_MESSAGES: MessagesAccess = {
  items: [
    // repository.get: a consistent read of each candidate.
    'dynamodb:GetItem',
    // rescheduleAccepted: a conditional update sent as PartiQL (messages/attention/attention.ts).
    'dynamodb:PartiQLUpdate',
  ],
  // findDueAccepted (messages/attention/attention.ts queryDueAccepted).
  queries: ['byAttention'],
};

/** The callback worker: one UpdateItem of `callback` on the message (lambdas/callbacks/adapters.ts). */
export const CALLBACK_WORKER_MESSAGES: MessagesAccess = {
  items: ['dynamodb:UpdateItem'],
};
