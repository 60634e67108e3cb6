import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { MessageNotFoundError } from '#core/aws/errors.ts';
import { MAX_TRANSACTION_ITEMS, type TransactItem } from '#core/aws/grouped/grouped-transactions.ts';
import { tableGroups } from '#core/aws/grouped/table-groups.ts';
import { itemKey } from '#core/aws/messages/message-item.ts';
import type { MessageTable, TransitionResult } from '#core/aws/messages/message-writes.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import type { DeliveryChannel } from '#core/domain/provider/error-codes.ts';

// A status write on MSG#<id> and the message's SMSC#<id> lookup items in one transaction, so a receipt
// either finds the lookup or finds none and parks itself: never a half-written state.
//
// Receipts that beat the SUBMIT_SM_RESP are parked on the lookup item, and parking is conditional on
// `attribute_not_exists(messageId)`: once this transaction has set messageId, nothing new can be
// parked. So the transaction first upserts each lookup on condition `attribute_not_exists(
// pendingReceipts)`. When that commits, no receipt was parked and none can be any more: nothing to
// reconcile, and no need to read the lookups back. Only when it is cancelled for that reason is it
// written again without the condition (keeping the parked receipts), and the caller reconciles. That
// is the path every call used to take, with its crash recovery: receipts left parked by a crash
// between this transaction and the reconciliation are applied by the next call for the message
// (which reconciles when stale) or by the next receipt for that SMSC id (which drains first).

export interface LookupOwner {
  messageId: string;
  /** Normalised and distinct; at least one. */
  smscIds: readonly string[];
  /** SINGLE, `unknown`: ids the message will have once its missing part ids are known (> smscIds). */
  expectedSmscIds?: number;
  /** The message's receipt channel, when known: with it a single-id receipt skips reading the message. */
  channel?: DeliveryChannel;
  /** Epoch seconds (TTL) of the lookup items. */
  expiresAt: number;
}

export interface LookupCommit {
  result: TransitionResult;
  /** SMSC ids whose lookups may hold parked receipts: the caller reconciles these. */
  toReconcile: readonly string[];
}

type Attempt = 'committed' | 'stale' | 'not-found' | 'parked';

/**
 * `messageUpdate` carries the status move and its condition; it is built again for a second attempt
 * (UpdateExpressionBuilder.build() may run twice). MessageNotFoundError when there is no message.
 */
export async function commitWithLookups(
  table: MessageTable,
  owner: LookupOwner,
  messageUpdate: UpdateExpressionBuilder,
  operation: string,
): Promise<LookupCommit> {
  const messageItem = (): TransactItem => ({
    Update: {
      TableName: table.tableName,
      Key: itemKey.message(owner.messageId),
      ...messageUpdate.build(),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  });
  const first = owner.smscIds.slice(0, MAX_TRANSACTION_ITEMS - 1);
  const items = (guarded: boolean) => [
    messageItem(),
    ...first.map((smscId) => lookupUpdate(table, owner, smscId, guarded)),
  ];

  // With other messages' transactions, as one (grouped/grouped-transactions.ts).
  const grouped = (all: TransactItem[]) =>
    tableGroups(table.client, table.tableName).transact(all, operation);
  let attempt = await transact(items(true), grouped);
  const parked = attempt === 'parked';
  if (parked) attempt = await transact(items(false), grouped);
  if (attempt === 'not-found') throw new MessageNotFoundError(owner.messageId);

  // More than 99 SINGLE parts: the remaining lookups follow. A receipt for one of them arriving in
  // between is parked, so these are always reconciled. Written again when stale: the earlier call
  // that committed may have stopped before they all landed (a throttled item, a crash), and
  // without them those parts' receipts would never find their message.
  const rest = owner.smscIds.slice(first.length);
  for (let start = 0; start < rest.length; start += MAX_TRANSACTION_ITEMS) {
    const chunk = rest.slice(start, start + MAX_TRANSACTION_ITEMS);
    await transact(
      chunk.map((smscId) => lookupUpdate(table, owner, smscId, false)),
      (all) =>
        runDynamo(operation, () => table.client.send(new TransactWriteCommand({ TransactItems: all }))),
    );
  }
  // Stale: an earlier call committed. It may have stopped before reconciling: finish its job.
  if (attempt !== 'committed') return { result: 'stale', toReconcile: owner.smscIds };
  return { result: 'applied', toReconcile: parked ? owner.smscIds : rest };
}

/**
 * An upsert that keeps parked receipts (unless guarded, when their presence cancels the transaction).
 * SMSC ids are unique at the provider; should one ever come back (years later), the newest message
 * owns it, which is where its receipts belong.
 */
function lookupUpdate(
  table: MessageTable,
  owner: LookupOwner,
  smscId: string,
  guarded: boolean,
): TransactItem {
  const update = new UpdateExpressionBuilder()
    .set('messageId', owner.messageId)
    .set('smscIdCount', Math.max(owner.smscIds.length, owner.expectedSmscIds ?? 0))
    .set('expiresAt', owner.expiresAt)
    // Owned now: no longer an orphan waiting for its message (orphan-receipts.ts).
    .remove('attention')
    .remove('attentionAt');
  // Removed when unknown, so a reused lookup never keeps the channel of an earlier message.
  if (owner.channel) update.set('channel', owner.channel);
  else update.remove('channel');
  if (guarded) update.condition(`attribute_not_exists(${update.name('pendingReceipts')})`);
  return {
    Update: { TableName: table.tableName, Key: itemKey.smsc(smscId, table.smscScope), ...update.build() },
  };
}

async function transact(
  items: TransactItem[],
  send: (items: TransactItem[]) => Promise<unknown>,
): Promise<Attempt> {
  try {
    await send(items);
    return 'committed';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [message, ...lookups] = error.CancellationReasons ?? [];
    if (message?.Code === 'ConditionalCheckFailed') return message.Item === undefined ? 'not-found' : 'stale';
    if (lookups.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'parked';
    throw error;
  }
}
