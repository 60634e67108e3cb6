import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { MessageNotFoundError } from '#core/aws/errors.ts';
import type { LookupOwner } from '#core/aws/messages/lookup-writes.ts';
import {
  type CreateAcceptedResult,
  createMessage,
  createMessages,
  type IdempotencyInput,
} from '#core/aws/messages/message-creation.ts';
import { fromMessageItem, itemKey } from '#core/aws/messages/message-item.ts';
import { type MessageTable, type TransitionResult, transition } from '#core/aws/messages/message-writes.ts';
import { ReceiptApplier, type ReceiptResult } from '#core/aws/messages/receipt-applier.ts';
import { commitSubmitted, commitUnknownWithIds } from '#core/aws/messages/submitted-writes.ts';
import { MESSAGES_TABLE, RETENTION } from '#core/aws/resources/resource-definitions.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import { MESSAGE_STATUSES, type MessageStatus, RELEASE_CLAIM } from '#core/domain/messages/message-state.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { channelOf } from '#core/domain/receipts/receipt-fields.ts';
import { normaliseSmscId } from '#core/domain/receipts/smsc-id.ts';

export type { CreateAcceptedResult, IdempotencyInput } from '#core/aws/messages/message-creation.ts';
export type { TransitionResult } from '#core/aws/messages/message-writes.ts';
export type { ReceiptResult } from '#core/aws/messages/receipt-applier.ts';

export interface MessageRepositoryOptions {
  clock?: () => Date;
  /** TTL of message items and their SMSC lookups; default RETENTION.messageDays (90). */
  retentionDays?: number;
  /** TTL of idempotency records; default RETENTION.idempotencyHours (24). */
  idempotencyHours?: number;
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

const DAY_SECONDS = 86_400;

/** Added for the bind-service: the error, plus SMSC ids of parts already accepted, if any. */
function setErrorAndPartIds(
  update: UpdateExpressionBuilder,
  error: MessageError,
  smscIds: readonly string[],
): void {
  update.set('error', error);
  if (smscIds.length > 0) update.set('smscIds', [...new Set(smscIds.map(normaliseSmscId))]);
}

/** Messages in DynamoDB. Every state change is one conditional write; stale events return 'stale'. */
export class MessageRepository {
  private readonly table: MessageTable;
  private readonly receipts: ReceiptApplier;
  private readonly retentionDays: number;
  private readonly idempotencyHours: number;

  constructor(client: DynamoDBDocumentClient, tableName: string, options: MessageRepositoryOptions = {}) {
    const clock = options.clock ?? (() => new Date());
    this.table = { client, tableName, now: clock };
    this.retentionDays = options.retentionDays ?? RETENTION.messageDays;
    this.idempotencyHours = options.idempotencyHours ?? RETENTION.idempotencyHours;
    this.receipts = new ReceiptApplier(this.table, () => this.expiresAt());
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

  /** accepted → submitting. 'already-claimed' for any later status: an SQS redelivery, delete it. */
  async claimForSubmit(id: string): Promise<ClaimResult> {
    try {
      return (await transition(this.table, id, 'submitting')) === 'applied' ? 'claimed' : 'already-claimed';
    } catch (error) {
      if (error instanceof MessageNotFoundError) return 'not-found';
      throw error;
    }
  }

  /** submitting → accepted, only when nothing went on the wire. 'stale' if it was not submitting. */
  releaseClaim(id: string): Promise<TransitionResult> {
    return transition(this.table, id, RELEASE_CLAIM.to, { from: [RELEASE_CLAIM.from] });
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
   * still finds the message and resolves it (unknown → delivered is allowed).
   */
  async markUnknown(
    id: string,
    reason: string,
    smscIds: readonly string[] = [],
    options: LookupOptions = {},
  ): Promise<TransitionResult> {
    const note: MessageError = {
      code: 'submit_unconfirmed',
      name: 'Submit outcome unknown',
      description: reason,
    };
    const owner = this.lookupOwner(id, smscIds, options);
    if (owner.smscIds.length === 0) {
      return transition(this.table, id, 'unknown', { extra: (update) => update.set('error', note) });
    }
    const { result, toReconcile } = await commitUnknownWithIds(this.table, owner, note);
    await this.receipts.reconcile(id, toReconcile);
    return result;
  }

  /**
   * The SMSC refused the submit for good. `smscIds`: ids of earlier parts it had accepted (kept on
   * the record; no receipt lookup is written for a failed message).
   */
  markFailed(id: string, error: MessageError, smscIds: readonly string[] = []): Promise<TransitionResult> {
    return transition(this.table, id, 'failed', {
      extra: (update) => setErrorAndPartIds(update, error, smscIds),
    });
  }

  /** The message cannot be sent as it is (e.g. an invalid queue message that carried an id). */
  markRejected(id: string, error: MessageError): Promise<TransitionResult> {
    return transition(this.table, id, 'rejected', { extra: (update) => update.set('error', error) });
  }

  applyReceipt(receipt: DeliveryReceipt): Promise<ReceiptResult> {
    return this.receipts.apply(receipt);
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
      smscIds: [...new Set(smscIds.map(normaliseSmscId))],
      ...(options.kind ? { channel: channelOf(options.kind) } : {}),
      expiresAt: this.expiresAt(),
    };
  }

  private expiresAt(): number {
    return Math.floor(this.table.now().getTime() / 1000) + this.retentionDays * DAY_SECONDS;
  }
}
