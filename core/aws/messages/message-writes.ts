import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MessageNotFoundError } from '#core/aws/errors.ts';
import { tableGroups } from '#core/aws/grouped/table-groups.ts';
import { clearAttention } from '#core/aws/messages/attention/attention-marks.ts';
import { itemKey, type MessageItem } from '#core/aws/messages/message-item.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import {
  allowedPredecessors,
  type MessageStatus,
  SUBMIT_ANSWER_STATUSES,
  SUBMIT_UNCONFIRMED,
} from '#core/domain/messages/message-state.ts';
import type { SubmitOptions } from '#core/support/group-commit.ts';

// The primitives every message state change is built from: one conditional update that moves the
// status, appends to history and sets updatedAt together (one statement of a grouped batch).

export interface MessageTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
  /**
   * Whose SMSC ids the `SMSC#` lookups written and read through this table are: the account, for
   * every account but the default (whose lookups keep the plain key they always had). Each login's
   * SMSC numbers its own messages, so two logins may give two messages one id; a receipt comes on
   * the login that sent its message and must find that one.
   */
  smscScope?: string;
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
  /** Ahead of the table's waiting updates not marked so (an urgent message's claim). */
  first?: boolean;
  /** Behind the table's waiting updates, and ordinary ones that come later (a bulk claim). */
  last?: boolean;
}

export function recordStatus(update: UpdateExpressionBuilder, status: MessageStatus, at: string): void {
  update.set('status', status).set('updatedAt', at).append('history', [{ status, at }]);
  // A message moving on needs no second look; a write that wants one sets it again after this.
  clearAttention(update);
}

/**
 * The condition that the message is in one of `from` for a write of `to`. A submit's answer
 * (SUBMIT_ANSWER_STATUSES, or a late answer's id) is taken from `unknown` only while that answer was
 * awaited (SUBMIT_UNCONFIRMED): an `unknown` the SMSC's own final report made (RECEIPT_UNKNOWN) had
 * every part answered, and a repeat of the answer (markSubmitted retried after its parked receipts
 * failed to apply) would move it back to `submitted`, add history and an event, and reset its parts'
 * receipts.
 */
export function conditionStatusFrom(
  update: UpdateExpressionBuilder,
  to: MessageStatus,
  from: readonly MessageStatus[],
): void {
  if (!SUBMIT_ANSWER_STATUSES.includes(to) || !from.includes('unknown')) {
    update.conditionIn('status', from);
    return;
  }
  const awaited = awaitedAnswerCondition(update);
  const others = from.filter((status) => status !== 'unknown');
  if (others.length === 0) {
    update.condition(awaited);
    return;
  }
  const inOthers = `${update.name('status')} IN (${others.map((status) => update.value(status)).join(', ')})`;
  update.condition(`${inOthers} OR ${awaited}`);
}

/** `unknown` because its submit went unanswered: what a late answer to that submit may resolve. */
export function awaitedAnswerCondition(update: UpdateExpressionBuilder): string {
  // No parentheses: condition() puts its own around each clause, DynamoDB refuses redundant ones, and
  // AND binds before the OR it may go into.
  return `${update.name('status')} = ${update.value('unknown')} AND ${update.name('error', 'code')} = ${update.value(SUBMIT_UNCONFIRMED)}`;
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
  update.condition(`attribute_exists(${update.name('pk')})`);
  conditionStatusFrom(update, to, from);
  return conditionalUpdate(table, id, update, `transition to ${to}`, {
    first: options.first === true,
    last: options.last === true,
  });
}

/**
 * Runs an update on MSG#<id>; a failed condition is 'stale' unless the message does not exist. Goes
 * with other writers' updates in one BatchExecuteStatement (grouped/table-groups.ts).
 */
export async function conditionalUpdate(
  table: MessageTable,
  id: string,
  update: UpdateExpressionBuilder,
  operation: string,
  options: SubmitOptions = {},
): Promise<TransitionResult> {
  const outcome = await tableGroups(table.client, table.tableName).update(
    itemKey.message(id),
    update,
    operation,
    options,
  );
  if (outcome.applied) return 'applied';
  if (outcome.item === undefined) throw new MessageNotFoundError(id);
  return 'stale';
}

/** The attribute a replayed request sets once its own copy of an `accepted` message is queued. */
export const QUEUED_AT = 'queuedAt';

/**
 * Notes that a copy of the still-`accepted` message is on a queue (the API's replay of an unqueued
 * message published it): a slower attempt whose own publish failed may no longer mark it failed.
 * 'stale' when it left `accepted` meanwhile.
 */
export function markQueued(table: MessageTable, id: string): Promise<TransitionResult> {
  const update = new UpdateExpressionBuilder();
  update.set(QUEUED_AT, table.now().toISOString());
  update.condition(`attribute_exists(${update.name('pk')})`).conditionIn('status', ['accepted']);
  return conditionalUpdate(table, id, update, 'mark queued');
}

/** A strongly consistent read, grouped with other reads of the table into one BatchGetItem. */
export async function getMessageItem(table: MessageTable, id: string): Promise<MessageItem | undefined> {
  return (await tableGroups(table.client, table.tableName).get(itemKey.message(id))) as
    | MessageItem
    | undefined;
}
