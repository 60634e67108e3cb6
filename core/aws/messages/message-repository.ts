import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { tableGroups } from '#core/aws/grouped/table-groups.ts';
import {
  type DueAccepted,
  type DueQuery,
  nextQueryAt,
  queryDueAccepted,
  rescheduleAccepted,
  unknownToQuery,
} from '#core/aws/messages/attention/attention.ts';
import { lastOrphanParkedAt } from '#core/aws/messages/attention/orphan-mark.ts';
import {
  handOverUnmatched,
  type MatchOptions,
  matchOrphanReceipt,
  nextMatchAt,
  type OrphanMatch,
  unmatchedRivals,
  unmatchedToCheck,
} from '#core/aws/messages/attention/orphan-receipts.ts';
import type { UnmatchedRivals } from '#core/aws/messages/attention/unmatched-rivals.ts';
import { type BatchCounts, countBatch } from '#core/aws/messages/batch-counts.ts';
import {
  type ClaimOptions,
  type ClaimResult,
  type ClaimView,
  claimMessage,
  readClaim,
  releaseClaim,
} from '#core/aws/messages/claim-writes.ts';
import {
  type BatchCreation,
  type CreateAcceptedResult,
  createAwaitingRules,
  createMessage,
  createMessages,
  extendIdempotency,
  type IdempotencyInput,
  readIdempotency,
  type StoredIdempotency,
} from '#core/aws/messages/message-creation.ts';
import { fromMessageItem, itemKey, type MessageItem } from '#core/aws/messages/message-item.ts';
import {
  getMessageItem,
  type MessageTable,
  markQueued,
  QUEUED_AT,
  type TransitionResult,
  transition,
} from '#core/aws/messages/message-writes.ts';
import {
  type LateAnswer,
  type LateAnswerResult,
  recordLateAnswer,
} from '#core/aws/messages/receipts/late-answer.ts';
import { ReceiptApplier, type ReceiptResult } from '#core/aws/messages/receipts/receipt-applier.ts';
import {
  type LookupOptions,
  type MarkSubmittedResult,
  SubmitOutcomeWrites,
  type UnknownOptions,
} from '#core/aws/messages/submit-outcomes.ts';
import { RETENTION } from '#core/aws/resources/resource-definitions.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import type { SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

export type { BatchCounts } from '#core/aws/messages/batch-counts.ts';
export type { ClaimContent, ClaimOptions, ClaimResult, ClaimView } from '#core/aws/messages/claim-writes.ts';
export type {
  BatchCreation,
  CreateAcceptedResult,
  IdempotencyInput,
  StoredIdempotency,
} from '#core/aws/messages/message-creation.ts';
export type { TransitionResult } from '#core/aws/messages/message-writes.ts';
export type { LateAnswer, LateAnswerResult } from '#core/aws/messages/receipts/late-answer.ts';
export type { ReceiptResult } from '#core/aws/messages/receipts/receipt-applier.ts';
export type {
  LookupOptions,
  MarkSubmittedResult,
  UnknownOptions,
} from '#core/aws/messages/submit-outcomes.ts';

export interface MessageRepositoryOptions {
  clock?: () => Date;
  /** TTL of message items and their SMSC lookups; default RETENTION.messageDays (90). */
  retentionDays?: number;
  /** TTL of idempotency records; default RETENTION.idempotencyHours (24). */
  idempotencyHours?: number;
  /** The base the SMSC writes message ids in (SMPP_MESSAGE_ID_BASE); default decimal. */
  smscIdBase?: SmscIdBase;
  /**
   * Grouped DynamoDB calls of each kind in flight at once (core/aws/grouped/table-groups.ts); default
   * 2. Shared by every repository of this client and table: the first one made sets it.
   */
  callsInFlight?: number;
  /** Whose SMSC ids its lookups hold: an account other than the default (MessageTable.smscScope). */
  smscScope?: string;
}

const DAY_SECONDS = 86_400;

/** Messages in DynamoDB. Every state change is one conditional write; stale events return 'stale'. */
export class MessageRepository {
  private readonly table: MessageTable;
  private readonly receipts: ReceiptApplier;
  private readonly outcomes: SubmitOutcomeWrites;
  private readonly retentionDays: number;
  private readonly idempotencyHours: number;
  private readonly smscIdBase: SmscIdBase;

  constructor(
    client: DynamoDBDocumentClient,
    tableName: string,
    private readonly options: MessageRepositoryOptions = {},
  ) {
    const clock = options.clock ?? (() => new Date());
    this.table = {
      client,
      tableName,
      now: clock,
      ...(options.smscScope === undefined ? {} : { smscScope: options.smscScope }),
    };
    tableGroups(client, tableName, options.callsInFlight);
    this.retentionDays = options.retentionDays ?? RETENTION.messageDays;
    this.idempotencyHours = options.idempotencyHours ?? RETENTION.idempotencyHours;
    this.smscIdBase = options.smscIdBase ?? 'decimal';
    this.receipts = new ReceiptApplier(this.table, () => this.expiresAt(), this.smscIdBase);
    this.outcomes = new SubmitOutcomeWrites(
      this.table,
      this.receipts,
      () => this.expiresAt(),
      this.smscIdBase,
    );
  }

  /** The same table, with the SMSC lookups of another account's login (MessageTable.smscScope). */
  withSmscScope(account: string): MessageRepository {
    return new MessageRepository(this.table.client, this.table.tableName, {
      ...this.options,
      smscScope: account,
    });
  }

  async createAccepted(record: MessageRecord, idempotency?: IdempotencyInput): Promise<CreateAcceptedResult> {
    const ttl = { messageExpiresAt: this.expiresAt(), idempotencyHours: this.idempotencyHours };
    return createMessage(this.table, record, ttl, idempotency);
  }

  /**
   * Keeps an idempotency record of `requestHash` for another full lifetime from now: the earlier
   * slots of a key whose later slot holds the message sent (see the API's storeOnce), so the key
   * does not expire in front of its live answer.
   */
  keepIdempotencyAlive(key: string, requestHash: string): Promise<void> {
    const expiresAt = Math.floor(this.table.now().getTime() / 1000) + this.idempotencyHours * 3_600;
    return extendIdempotency(this.table, key, requestHash, expiresAt);
  }

  /** What the idempotency record of `key` holds; undefined when there is none or it expired. */
  readIdempotency(key: string): Promise<StoredIdempotency | undefined> {
    return readIdempotency(this.table, key);
  }

  /** A record refused on arrival (rejectedOnArrival), written in one conditional put. */
  async createRejected(record: MessageRecord): Promise<void> {
    if (record.status !== 'rejected') throw new RangeError(`not a rejected record: ${record.status}`);
    await createMessage(this.table, record, { messageExpiresAt: this.expiresAt(), idempotencyHours: 0 });
  }

  /**
   * A message published straight to SQS, recorded `accepted` by the bind-service before the anti-loop
   * rules are asked: until a claim says they admitted it, claims answer 'awaiting-rules'. Throws
   * DuplicateMessageIdError when another copy of the same send recorded it first.
   */
  createAwaitingRules(record: MessageRecord): Promise<void> {
    return createAwaitingRules(this.table, record, this.expiresAt());
  }

  /**
   * BatchWrite in chunks of 25, unprocessed items retried with back-off. Ids must be fresh. With a
   * signal, what it stopped before writing (or cut off in flight) is returned (createMessages).
   */
  createAcceptedBatch(
    records: readonly MessageRecord[],
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<BatchCreation> {
    return createMessages(this.table, records, this.expiresAt(), options);
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const { Item } = await runDynamo('get message', () =>
      this.table.client.send(
        new GetCommand({ TableName: this.table.tableName, Key: itemKey.message(id), ConsistentRead: true }),
      ),
    );
    return Item ? fromMessageItem(Item) : undefined;
  }

  /**
   * accepted → submitting. 'already-claimed' for any later status: a copy or a redelivery, not sent.
   * 'awaiting-rules' for a record the anti-loop rules have not admitted yet (createAwaitingRules),
   * unless `options.admitted`. `holder`: the receive that claims it, `<SQS MessageId>#<receive>`; see
   * markUnknownIfClaimedBy. A redelivery means the task that claimed it may have died, e.g. between
   * its `submitted` write and applying the receipts that had come early: those are applied now. The
   * record leaves the sweeper's index in the same write (recordStatus clears `attention`). `urgent`:
   * the claim goes ahead of the table's waiting updates (an urgent message's latency); a bulk claim
   * goes behind them, so receipts and state changes of messages already sent do not wait behind new
   * work.
   */
  claimForSubmit(id: string, holder?: string, options: ClaimOptions = {}): Promise<ClaimResult> {
    return claimMessage(this.table, id, holder, options, (item) => this.reconcileParked(item));
  }

  /** Who holds the message's claim and since when; undefined when there is no record. */
  claimOf(id: string): Promise<ClaimView | undefined> {
    return readClaim(this.table, id);
  }

  /**
   * Applies receipts still parked under the SMSC ids of a `submitted` or `unknown` message (a crash
   * between a status write and its reconciliation leaves them there); returns how many.
   */
  async applyParkedReceipts(id: string): Promise<number> {
    return this.reconcileParked(await getMessageItem(this.table, id));
  }

  private reconcileParked(item: MessageItem | undefined): Promise<number> {
    if (!item || (item.status !== 'submitted' && item.status !== 'unknown')) return Promise.resolve(0);
    return this.receipts.reconcile(item.id, item.smscIds);
  }

  /**
   * submitting → accepted, only when nothing went on the wire. 'stale' if it was not submitting, or,
   * given a `holder`, when that receive does not hold the claim (it never landed, or another has it).
   */
  releaseClaim(id: string, holder?: string): Promise<TransitionResult> {
    return releaseClaim(this.table, id, holder);
  }

  /** submitting|unknown → submitted with its SMSC-id lookups (submit-outcomes.ts). */
  markSubmitted(
    id: string,
    smscIds: readonly string[],
    options: LookupOptions = {},
  ): Promise<MarkSubmittedResult> {
    return this.outcomes.markSubmitted(id, smscIds, options);
  }

  /** submitting → unknown; never resent automatically (submit-outcomes.ts). */
  markUnknown(
    id: string,
    reason: string,
    smscIds: readonly string[] = [],
    options: UnknownOptions = {},
  ): Promise<TransitionResult> {
    return this.outcomes.markUnknown(id, reason, smscIds, options);
  }

  /** submitting → unknown, only when the claim is `holder`'s (submit-outcomes.ts). */
  markUnknownIfClaimedBy(id: string, holder: string, reason: string): Promise<TransitionResult> {
    return this.outcomes.markUnknownIfClaimedBy(id, holder, reason);
  }

  /** The SMSC refused the submit for good (submit-outcomes.ts). */
  markFailed(id: string, error: MessageError, smscIds: readonly string[] = []): Promise<TransitionResult> {
    return this.outcomes.markFailed(id, error, smscIds);
  }

  /**
   * accepted → expired: its validity passed before it could be sent, so it never reached the SMSC.
   * Only from `accepted`: once claimed, only the SMSC can say whether it expired.
   */
  markExpired(id: string, error: MessageError): Promise<TransitionResult> {
    return transition(this.table, id, 'expired', {
      from: ['accepted'],
      extra: (update) => update.set('error', error),
    });
  }

  /**
   * accepted → failed, and from `accepted` only: the API's publish failed, so nothing will send the
   * message. Any later status means the bind-service has it (the publish did land): 'stale', and the
   * message is left alone. MessageNotFoundError when there is no record.
   */
  markNotQueued(id: string, error: MessageError): Promise<TransitionResult> {
    return transition(this.table, id, 'failed', {
      from: ['accepted'],
      // Another attempt with the same key queued a copy and answered 202 for it (markQueued).
      extra: (update) =>
        update.set('error', error).condition(`attribute_not_exists(${update.name(QUEUED_AT)})`),
    });
  }

  /** A copy of the `accepted` message is on a queue: markNotQueued leaves it alone ('stale' if it moved on). */
  markQueued(id: string): Promise<TransitionResult> {
    return markQueued(this.table, id);
  }

  /**
   * accepted → rejected: the message cannot be sent as it is (an invalid queue message that carried
   * its id, the anti-loop rules). 'stale' once it moved on: an invalid copy of a message another copy
   * already sent must not turn `submitted` into a final `rejected` its receipt can never undo.
   */
  markRejected(id: string, error: MessageError): Promise<TransitionResult> {
    return transition(this.table, id, 'rejected', {
      from: ['accepted'],
      extra: (update) => update.set('error', error),
    });
  }

  /**
   * `accepted` records whose index entry is due by `query.dueBy` (the sweeper's candidates), from
   * the eventually consistent byAttention index: read each record before acting on it.
   */
  findDueAccepted(query: DueQuery): Promise<DueAccepted[]> {
    return queryDueAccepted(this.table, query);
  }

  /** The sweeper enqueued it: next look at `nextAt`. 'stale' if it left `accepted` meanwhile. */
  rescheduleAccepted(id: string, expectedAt: string, nextAt: string): Promise<TransitionResult> {
    return rescheduleAccepted(this.table, id, expectedAt, nextAt);
  }

  /** A SUBMIT_SM_RESP after its timeout, for an `unknown` message (late-answer.ts). */
  recordLateAnswer(id: string, answer: LateAnswer): Promise<LateAnswerResult> {
    return recordLateAnswer(this.table, this.receipts, this.expiresAt(), this.smscIdBase, id, answer);
  }

  /**
   * `account`'s `unknown` messages with SMSC ids (undefined: records without an account) last looked
   * at no later than `before`, oldest first (attention.ts).
   */
  unknownToQuery(account: string | undefined, before: Date, limit: number): Promise<string[]> {
    return unknownToQuery(this.table, account, before, limit);
  }

  /** When to ask about a still-unknown message again, in `account`'s partition; undefined: never. */
  nextQueryAt(id: string, account: string | undefined, at: Date | undefined): Promise<void> {
    return nextQueryAt(this.table, id, account, at);
  }

  /** `recipient`: the DELIVER_SM's source_addr; an unowned receipt is then listed for matching. */
  applyReceipt(receipt: DeliveryReceipt, recipient?: string): Promise<ReceiptResult> {
    return this.receipts.apply(receipt, recipient);
  }

  /** `unknown` messages without SMSC ids listed at or before `before` (orphan-receipts.ts). */
  unmatchedToCheck(before: Date, limit: number): Promise<string[]> {
    return unmatchedToCheck(this.table, before, limit);
  }

  /** Gives an `unknown` message without ids the one orphan receipt that fits it, if exactly one does. */
  matchOrphanReceipt(id: string, options: MatchOptions): Promise<OrphanMatch> {
    return matchOrphanReceipt(this.table, this.receipts, this.expiresAt(), this.smscIdBase, id, options);
  }

  /**
   * The unmatched messages an orphan may belong to instead, read once for a whole run of matches
   * (on the first that needs them), at most `limit` (orphan-receipts.ts).
   */
  unmatchedRivals(limit?: number): UnmatchedRivals {
    return unmatchedRivals(this.table, limit);
  }

  /** When a receipt of this login was last parked as an orphan, by any task (orphan-mark.ts). */
  lastOrphanParkedAt(): Promise<Date | undefined> {
    return lastOrphanParkedAt(this.table);
  }

  /** When to look for its receipt again; undefined: never (it leaves the index). */
  nextMatchAt(id: string, at: Date | undefined): Promise<void> {
    return nextMatchAt(this.table, id, at);
  }

  /** Lists an unmatched message of another account for that account's matching (orphan-receipts.ts). */
  handOverUnmatched(id: string, account: string | undefined, at: Date): Promise<void> {
    return handOverUnmatched(this.table, id, account, at);
  }

  /** From the byBatch index, which is eventually consistent: a count may lag a write by a moment. */
  batchCounts(batchId: string): Promise<BatchCounts> {
    return countBatch(this.table, batchId);
  }

  private expiresAt(): number {
    return Math.floor(this.table.now().getTime() / 1000) + this.retentionDays * DAY_SECONDS;
  }
}
