import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { MessageNotFoundError } from '#core/aws/errors.ts';
import { clearAttention } from '#core/aws/messages/attention/attention-marks.ts';
import { itemKey, type MessageItem } from '#core/aws/messages/message-item.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import { allowedPredecessors, type MessageStatus } from '#core/domain/messages/message-state.ts';

// The primitives every message state change is built from: one conditional UpdateItem that moves
// the status, appends to history and sets updatedAt together.

export interface MessageTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
}

/** 'stale': the message was not in a status this write may follow (late or repeated event). */
export type TransitionResult = 'applied' | 'stale';

export interface TransitionOptions {
  /**
   * Defaults to allowedPredecessors(to). Given for the one backward move (releasing a claim), or to
   * narrow a move to some of its predecessors (an unsent message expiring: only from `accepted`).
   */
  from?: readonly MessageStatus[];
  /** Further SET/REMOVE clauses or conditions written in the same update. */
  extra?: (update: UpdateExpressionBuilder, at: string) => void;
}

export function recordStatus(update: UpdateExpressionBuilder, status: MessageStatus, at: string): void {
  update.set('status', status).set('updatedAt', at).append('history', [{ status, at }]);
  // A message moving on needs no second look; a write that wants one sets it again after this.
  clearAttention(update);
}

/** Throws MessageNotFoundError when there is no such message; never throws for a stale event. */
export async function transition(
  table: MessageTable,
  id: string,
  to: MessageStatus,
  options: TransitionOptions = {},
): Promise<TransitionResult> {
  const from = options.from ?? allowedPredecessors(to);
  const at = table.now().toISOString();
  const update = new UpdateExpressionBuilder();
  recordStatus(update, to, at);
  options.extra?.(update, at);
  // Only `accepted` has no predecessor, and it is reached by createAccepted or releaseClaim.
  if (from.length === 0) throw new RangeError(`no status may move to ${to}`);
  update.condition(`attribute_exists(${update.name('pk')})`).conditionIn('status', from);
  return conditionalUpdate(table, id, update, `transition to ${to}`);
}

/** Runs an update on MSG#<id>; a failed condition is 'stale' unless the message does not exist. */
export async function conditionalUpdate(
  table: MessageTable,
  id: string,
  update: UpdateExpressionBuilder,
  operation: string,
): Promise<TransitionResult> {
  try {
    await runDynamo(operation, () =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: itemKey.message(id),
          ...update.build(),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return 'applied';
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    if (error.Item === undefined) throw new MessageNotFoundError(id);
    return 'stale';
  }
}

export async function getMessageItem(table: MessageTable, id: string): Promise<MessageItem | undefined> {
  const { Item } = await runDynamo('get message', () =>
    table.client.send(
      new GetCommand({ TableName: table.tableName, Key: itemKey.message(id), ConsistentRead: true }),
    ),
  );
  return Item as MessageItem | undefined;
}
