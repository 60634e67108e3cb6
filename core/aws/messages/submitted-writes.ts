import { markForQuery } from '#core/aws/messages/attention/attention-marks.ts';
import { commitWithLookups, type LookupCommit, type LookupOwner } from '#core/aws/messages/lookup-writes.ts';
import { conditionStatusFrom, type MessageTable, recordStatus } from '#core/aws/messages/message-writes.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import { allowedPredecessors, type MessageStatus } from '#core/domain/messages/message-state.ts';

// The status writes that carry SMSC ids a receipt must be able to find: `submitted`, `unknown` with
// the ids of what the SMSC accepted (a receipt or QUERY_SM resolves it later), and `failed` with
// the ids of the parts accepted before the refusal (their receipts find the failed message, instead
// of waiting as orphans that another `unknown` message to the number could adopt). Each goes with
// its lookup items in one transaction (lookup-writes.ts).

/** submitting|unknown (its submit unconfirmed) → submitted. 'stale' when the message was in neither. */
export function commitSubmitted(table: MessageTable, owner: LookupOwner): Promise<LookupCommit> {
  const update = statusUpdate(table, 'submitted');
  update.set('smscIds', [...owner.smscIds]).remove('error');
  // SINGLE mode: one receipt per part is collected into this map (it must exist to set a key in
  // it).
  if (owner.smscIds.length > 1) update.set('partOutcomes', {});
  return commitWithLookups(table, owner, guard(update, 'submitted'), 'mark submitted');
}

/**
 * submitting → unknown, keeping the SMSC ids (and their lookups) of what was accepted; listed for
 * `account`'s reconciler.
 */
export function commitUnknownWithIds(
  table: MessageTable,
  owner: LookupOwner,
  note: MessageError,
  account: string | undefined,
  unsentParts = 0,
): Promise<LookupCommit> {
  const at = table.now().toISOString();
  const update = new UpdateExpressionBuilder();
  recordStatus(update, 'unknown', at);
  update.set('error', note).set('smscIds', [...owner.smscIds]);
  // With ids, QUERY_SM can still tell what became of it: the reconciler's index lists it.
  markForQuery(update, at, account);
  const expected = owner.expectedSmscIds ?? 0;
  if (expected > owner.smscIds.length) update.set('expectedSmscIds', expected);
  if (unsentParts > 0) update.set('unsentParts', unsentParts);
  return commitWithLookups(table, owner, guard(update, 'unknown'), 'mark unknown');
}

/** → failed with its error, keeping the ids (and writing the lookups) of parts accepted before. */
export function commitFailedWithIds(
  table: MessageTable,
  owner: LookupOwner,
  error: MessageError,
): Promise<LookupCommit> {
  const update = statusUpdate(table, 'failed');
  update.set('error', error).set('smscIds', [...owner.smscIds]);
  return commitWithLookups(table, owner, guard(update, 'failed'), 'mark failed');
}

function statusUpdate(table: MessageTable, status: MessageStatus): UpdateExpressionBuilder {
  const update = new UpdateExpressionBuilder();
  recordStatus(update, status, table.now().toISOString());
  return update;
}

function guard(update: UpdateExpressionBuilder, to: MessageStatus): UpdateExpressionBuilder {
  update.condition(`attribute_exists(${update.name('pk')})`);
  conditionStatusFrom(update, to, allowedPredecessors(to));
  return update;
}
