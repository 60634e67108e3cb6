import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { MessageNotFoundError } from '#core/aws/errors.ts';
import {
  type DueAccepted,
  type DueQuery,
  nextQueryAt,
  queryDueAccepted,
  rescheduleAccepted,
  unknownToQuery,
} from '#core/aws/messages/attention.ts';
import { setAcceptedAttention } from '#core/aws/messages/attention-marks.ts';
import { type LateAnswer, type LateAnswerResult, recordLateAnswer } from '#core/aws/messages/late-answer.ts';
import type { LookupOwner } from '#core/aws/messages/lookup-writes.ts';
import {
  type CreateAcceptedResult,
  createMessage,
  createMessages,
  type IdempotencyInput,
} from '#core/aws/messages/message-creation.ts';
import { fromMessageItem, itemKey } from '#core/aws/messages/message-item.ts';
import {
  getMessageItem,
  type MessageTable,
  type TransitionResult,
  transition,
} from '#core/aws/messages/message-writes.ts';
import {
  type MatchOptions,
  markForMatching,
  matchOrphanReceipt,
  nextMatchAt,
  type OrphanMatch,
  unmatchedToCheck,
} from '#core/aws/messages/orphan-receipts.ts';
import { ReceiptApplier, type ReceiptResult } from '#core/aws/messages/receipt-applier.ts';
import { commitSubmitted, commitUnknownWithIds } from '#core/aws/messages/submitted-writes.ts';
import { MESSAGES_TABLE, RETENTION } from '#core/aws/resources/resource-definitions.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import { MESSAGE_STATUSES, type MessageStatus, RELEASE_CLAIM } from '#core/domain/messages/message-state.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { channelOf } from '#core/domain/receipts/receipt-fields.ts';
import { normaliseSmscId, type SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

export type { LateAnswer, LateAnswerResult } from '#core/aws/messages/late-answer.ts';
export type { CreateAcceptedResult, IdempotencyInput } from '#core/aws/messages/message-creation.ts';
export type { TransitionResult } from '#core/aws/messages/message-writes.ts';
export type { ReceiptResult } from '#core/aws/messages/receipt-applier.ts';

export interface MessageRepositoryOptions {
  clock?: () => Date;
  /** TTL of message items and their SMSC lookups; default RETENTION.messageDays (90). */
  retentionDays?: number;
  /** TTL of idempotency records; default RETENTION.idempotencyHours (24). */
  idempotencyHours?: number;
  /** The base the SMSC writes message ids in (SMPP_MESSAGE_ID_BASE); default decimal. */
  smscIdBase?: SmscIdBase;
}

export type ClaimResult = 'claimed' | 'already-claimed' | 'not-found';

export interface MarkSubmittedResult {
  result: TransitionResult;
  /** Receipts that had arrived before the SUBMIT_SM_RESP and were applied now. */
  reconciledReceipts: number;
}

export type BatchCounts = Record<MessageStatus, number> & { total: number };

export interface LookupOptions {
  /**
   * The message's kind, written on its SMSC-id lookups: a receipt for a message with one SMSC id is
   * then applied without reading the message. Without it receipts read the message, as before.
   */
  kind?: MessageKind;
}

export interface UnknownOptions extends LookupOptions {
  /**
   * SINGLE mode (one id per part): how many parts went on the wire, the one without an answer
   * included. The message is resolved by receipts only once that many parts have ids and reported.
   */
  expectedSmscIds?: number;
}

const DAY_SECONDS = 86_400;
/** The queue message holding a message's claim (storage only; fromMessageItem strips it). */
const CLAIMED_BY = 'claimedBy';

/** Added for the bind-service: the error, plus (normalised) SMSC ids of parts already accepted. */
function setErrorAndPartIds(
  update: UpdateExpressionBuilder,
  error: MessageError,
  smscIds: readonly string[],
): void {
  update.set('error', error);
  if (smscIds.length > 0) update.set('smscIds', smscIds);
}

/** Messages in DynamoDB. Every state change is one conditional write; stale events return 'stale'. */
export class MessageRepository {
  private readonly table: MessageTable;
  private readonly receipts: ReceiptApplier;
  private readonly retentionDays: number;
  private readonly idempotencyHours: number;
  private readonly smscIdBase: SmscIdBase;

  constructor(client: DynamoDBDocumentClient, tableName: string, options: MessageRepositoryOptions = {}) {
    const clock = options.clock ?? (() => new Date());
    this.table = { client, tableName, now: clock };
    this.retentionDays = options.retentionDays ?? RETENTION.messageDays;
    this.idempotencyHours = options.idempotencyHours ?? RETENTION.idempotencyHours;
    this.smscIdBase = options.smscIdBase ?? 'decimal';
    this.receipts = new ReceiptApplier(this.table, () => this.expiresAt(), this.smscIdBase);
  }

  async createAccepted(record: MessageRecord, idempotency?: IdempotencyInput): Promise<CreateAcceptedResult> {
    const ttl = { messageExpiresAt: this.expiresAt(), idempotencyHours: this.idempotencyHours };
    return createMessage(this.table, record, ttl, idempotency);
  }

  /** BatchWrite in chunks of 25, unprocessed items retried with back-off. Ids must be fresh. */
  createAcceptedBatch(records: readonly MessageRecord[]): Promise<void> {
    return createMessages(this.table, records, this.expiresAt());
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
   * `holder`: the queue message (SQS MessageId) whose delivery claims it; see markUnknownIfClaimedBy.
   * A redelivery means the task that claimed it may have died, e.g. between its `submitted` write and
   * applying the receipts that had come early: those are applied now. The record leaves the
   * sweeper's index in the same write (recordStatus clears `attention`).
   */
  async claimForSubmit(id: string, holder?: string): Promise<ClaimResult> {
    try {
      const result = await transition(this.table, id, 'submitting', {
        extra: (update) =>
          holder === undefined ? update.remove(CLAIMED_BY) : update.set(CLAIMED_BY, holder),
      });
      if (result === 'applied') return 'claimed';
    } catch (error) {
      if (error instanceof MessageNotFoundError) return 'not-found';
      throw error;
    }
    await this.applyParkedReceipts(id);
    return 'already-claimed';
  }

  /**
   * Applies receipts still parked under the SMSC ids of a `submitted` or `unknown` message (a crash
   * between a status write and its reconciliation leaves them there); returns how many.
   */
  async applyParkedReceipts(id: string): Promise<number> {
    const item = await getMessageItem(this.table, id);
    if (!item || (item.status !== 'submitted' && item.status !== 'unknown')) return 0;
    return this.receipts.reconcile(id, item.smscIds);
  }

  /** submitting → accepted, only when nothing went on the wire. 'stale' if it was not submitting. */
  releaseClaim(id: string): Promise<TransitionResult> {
    // `accepted` again: back in the sweeper's index, due a sweep age from now.
    return transition(this.table, id, RELEASE_CLAIM.to, {
      from: [RELEASE_CLAIM.from],
      extra: (update, at) => setAcceptedAttention(update, id, at),
    });
  }

  /**
   * submitting|unknown → submitted, and the SMSC-id lookup items, in one transaction. Receipts that
   * came early are applied after it; they are read back only when some were parked (lookup-writes.ts
   * says why that is enough). Also reconciles when stale, which finishes the job of an earlier call
   * that committed but died before reconciling.
   */
  async markSubmitted(
    id: string,
    smscIds: readonly string[],
    options: LookupOptions = {},
  ): Promise<MarkSubmittedResult> {
    const owner = this.lookupOwner(id, smscIds, options);
    if (owner.smscIds.length === 0) throw new RangeError(`markSubmitted(${id}) needs at least one SMSC id`);
    const { result, toReconcile } = await commitSubmitted(this.table, owner);
    const reconciledReceipts = await this.receipts.reconcile(id, toReconcile);
    return { result, reconciledReceipts };
  }

  /**
   * submitting → unknown: the submit may have reached the SMSC; never resent automatically.
   * `smscIds`: ids of parts the SMSC did accept before the outcome became unknown. Their lookup items
   * are written in the same transaction (receipts parked under them are applied), so a later receipt
   * still finds the message and resolves it (unknown → delivered is allowed). In SINGLE mode
   * `expectedSmscIds` keeps receipts from resolving it before the part without an answer is known.
   */
  async markUnknown(
    id: string,
    reason: string,
    smscIds: readonly string[] = [],
    options: UnknownOptions = {},
  ): Promise<TransitionResult> {
    const note: MessageError = {
      code: 'submit_unconfirmed',
      name: 'Submit outcome unknown',
      description: reason,
    };
    const owner = this.lookupOwner(id, smscIds, options);
    if (owner.smscIds.length === 0) {
      return transition(this.table, id, 'unknown', {
        extra: (update, at) => {
          update.set('error', note);
          markForMatching(update, at);
        },
      });
    }
    const expected = options.expectedSmscIds;
    const { result, toReconcile } = await commitUnknownWithIds(
      this.table,
      expected === undefined ? owner : { ...owner, expectedSmscIds: expected },
      note,
    );
    await this.receipts.reconcile(id, toReconcile);
    return result;
  }

  /**
   * submitting → unknown, only when the claim is `holder`'s (or was taken without a holder): the
   * queue message that claimed the message came back, so whoever worked it stopped without recording
   * the SMSC's answer. A copy of the send (another queue message) gets 'stale' and leaves the message
   * alone: its claim holder is still at work, or its own redelivery will come back to this write.
   */
  markUnknownIfClaimedBy(id: string, holder: string, reason: string): Promise<TransitionResult> {
    const note: MessageError = {
      code: 'submit_unconfirmed',
      name: 'Submit outcome unknown',
      description: reason,
    };
    return transition(this.table, id, 'unknown', {
      from: ['submitting'],
      extra: (update, at) => {
        update.set('error', note);
        markForMatching(update, at);
        const claimedBy = update.name(CLAIMED_BY);
        update.condition(`attribute_not_exists(${claimedBy}) OR ${claimedBy} = ${update.value(holder)}`);
      },
    });
  }

  /**
   * The SMSC refused the submit for good. `smscIds`: ids of earlier parts it had accepted (kept on
   * the record; no receipt lookup is written for a failed message).
   */
  markFailed(id: string, error: MessageError, smscIds: readonly string[] = []): Promise<TransitionResult> {
    return transition(this.table, id, 'failed', {
      extra: (update) => setErrorAndPartIds(update, error, this.normaliseIds(smscIds)),
    });
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
      extra: (update) => update.set('error', error),
    });
  }

  /** The message cannot be sent as it is (e.g. an invalid queue message that carried an id). */
  markRejected(id: string, error: MessageError): Promise<TransitionResult> {
    return transition(this.table, id, 'rejected', { extra: (update) => update.set('error', error) });
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
    return recordLateAnswer(this.table, this.receipts, this.expiresAt(), id, answer);
  }

  /** `unknown` messages with SMSC ids last looked at no later than `before`, oldest first (attention.ts). */
  unknownToQuery(before: Date, limit: number): Promise<string[]> {
    return unknownToQuery(this.table, before, limit);
  }

  /** When to ask about a still-unknown message again; undefined: never (it leaves the index). */
  nextQueryAt(id: string, at: Date | undefined): Promise<void> {
    return nextQueryAt(this.table, id, at);
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
    return matchOrphanReceipt(this.table, this.receipts, this.expiresAt(), id, options);
  }

  /** When to look for its receipt again; undefined: never (it leaves the index). */
  nextMatchAt(id: string, at: Date | undefined): Promise<void> {
    return nextMatchAt(this.table, id, at);
  }

  /** From the byBatch index, which is eventually consistent: a count may lag a write by a moment. */
  async batchCounts(batchId: string): Promise<BatchCounts> {
    const counts = Object.fromEntries([...MESSAGE_STATUSES.map((s) => [s, 0]), ['total', 0]]) as BatchCounts;
    let startKey: Record<string, unknown> | undefined;
    do {
      const exclusiveStartKey = startKey;
      const page = await runDynamo('batch counts', () =>
        this.table.client.send(
          new QueryCommand({
            TableName: this.table.tableName,
            IndexName: MESSAGES_TABLE.globalSecondaryIndexes[0].indexName,
            KeyConditionExpression: '#batchId = :batchId',
            ProjectionExpression: '#status',
            ExpressionAttributeNames: { '#batchId': 'batchId', '#status': 'status' },
            ExpressionAttributeValues: { ':batchId': batchId },
            ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const status = item.status as MessageStatus;
        counts[status] += 1;
        counts.total += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }

  private lookupOwner(id: string, smscIds: readonly string[], options: LookupOptions): LookupOwner {
    return {
      messageId: id,
      smscIds: this.normaliseIds(smscIds),
      ...(options.kind ? { channel: channelOf(options.kind) } : {}),
      expiresAt: this.expiresAt(),
    };
  }

  /**
   * Normalised, without repeats, and without empty ids: an OK answer with no message_id names no
   * message, and a lookup item `SMSC#` would be shared by every such message.
   */
  private normaliseIds(smscIds: readonly string[]): string[] {
    const ids = smscIds.map((id) => normaliseSmscId(id, this.smscIdBase)).filter((id) => id !== '');
    return [...new Set(ids)];
  }

  private expiresAt(): number {
    return Math.floor(this.table.now().getTime() / 1000) + this.retentionDays * DAY_SECONDS;
  }
}
