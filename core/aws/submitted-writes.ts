import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { MessageNotFoundError } from '#core/aws/errors.ts';
import { itemKey } from '#core/aws/message-item.ts';
import { type MessageTable, recordStatus, type TransitionResult } from '#core/aws/message-writes.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import { allowedPredecessors } from '#core/domain/message-state.ts';

// The `submitted` write: the message's status and its SMSC-id lookup items in one transaction, so a
// receipt either finds the lookup or finds no lookup and parks itself, never a half-written state.

/** DynamoDB's limit on items per transaction. */
const MAX_TRANSACTION_ITEMS = 100;

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** 'stale' when the message was not submitting|unknown; MessageNotFoundError when there is none. */
export async function commitSubmitted(
  table: MessageTable,
  messageId: string,
  /** Normalised and distinct. */
  smscIds: readonly string[],
  expiresAt: number,
): Promise<TransitionResult> {
  const at = table.now().toISOString();

  const messageUpdate = (): TransactItem => {
    const update = new UpdateExpressionBuilder();
    recordStatus(update, 'submitted', at);
    update.set('smscIds', [...smscIds]).remove('error');
    // SINGLE mode: one receipt per part is collected into this map (it must exist to set a key in it).
    if (smscIds.length > 1) update.set('partOutcomes', {});
    update
      .condition(`attribute_exists(${update.name('pk')})`)
      .conditionIn('status', allowedPredecessors('submitted'));
    return {
      Update: {
        TableName: table.tableName,
        Key: itemKey.message(messageId),
        ...update.build(),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  };

  // An upsert that keeps parked receipts. SMSC ids are unique at the provider; should one ever come
  // back (years later), the newest message owns it, which is where its receipts belong.
  const lookupUpdate = (smscId: string): TransactItem => {
    const update = new UpdateExpressionBuilder().set('messageId', messageId).set('expiresAt', expiresAt);
    return { Update: { TableName: table.tableName, Key: itemKey.smsc(smscId), ...update.build() } };
  };

  const first = smscIds.slice(0, MAX_TRANSACTION_ITEMS - 1);
  try {
    await send(table, [messageUpdate(), ...first.map(lookupUpdate)]);
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reason = error.CancellationReasons?.[0];
    if (reason?.Code !== 'ConditionalCheckFailed') throw error;
    if (reason.Item === undefined) throw new MessageNotFoundError(messageId);
    return 'stale';
  }
  // A message of more than 99 SINGLE parts: the remaining lookups follow. A receipt for one of them
  // arriving in between is parked and picked up by the reconciliation that comes after.
  for (let start = first.length; start < smscIds.length; start += MAX_TRANSACTION_ITEMS) {
    await send(table, smscIds.slice(start, start + MAX_TRANSACTION_ITEMS).map(lookupUpdate));
  }
  return 'applied';
}

async function send(table: MessageTable, items: TransactItem[]): Promise<void> {
  await runDynamo('mark submitted', () =>
    table.client.send(new TransactWriteCommand({ TransactItems: items })),
  );
}
