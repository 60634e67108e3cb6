import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { markForQuery, setAcceptedAttention } from '#core/aws/messages/attention/attention-marks.ts';
import { commitWithLookups } from '#core/aws/messages/lookup-writes.ts';
import { type MessageItem, smscIdCountOf } from '#core/aws/messages/message-item.ts';
import {
  awaitedAnswerCondition,
  conditionalUpdate,
  getMessageItem,
  type MessageTable,
  recordStatus,
} from '#core/aws/messages/message-writes.ts';
import type { ReceiptApplier } from '#core/aws/messages/receipts/receipt-applier.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import { RELEASE_UNTAKEN, SUBMIT_UNCONFIRMED } from '#core/domain/messages/message-state.ts';
import { channelOf } from '#core/domain/receipts/receipt-fields.ts';
import { normaliseSmscId, type SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

// A SUBMIT_SM_RESP that came after its timeout, when the message is already `unknown`: what the
// SMSC did with that part after all. Only the last part sent can time out (parts go one after
// another), so the answer completes what the message knows:
// - accepted: its SMSC id joins the message's ids (with its lookup item, in one transaction). When it
//   was the message's last part, every part is accepted: `unknown → submitted`. Otherwise the
//   message stays `unknown` with ids, listed for the reconciler, and its receipt resolves it.
// - refused for good: `unknown → failed`, as an answer in time would.
// - not taken (throttled, or refused for a passing reason) while no part of the message is at the
//   SMSC: `accepted` again (RELEASE_UNTAKEN), listed for the sweeper, which sends it; an answer in
//   time would have had it sent again too. With a part at the SMSC it stays `unknown`: the message
//   cannot go again whole, and an answer in time would have left it incomplete, `unknown` as well.
// Receipts parked under any of its ids are applied right after (one may have beaten this answer).
// The write is conditional on the status and ids read, and decided again on a fresh read if another
// write came in between. A message still `submitting` has not had its `unknown` written yet:
// 'pending', the caller asks again shortly.

export type LateAnswer =
  | {
      kind: 'accepted';
      smscId: string;
      /** The answered part was the message's last one: all its parts are now accepted. */
      lastPart: boolean;
      /** SINGLE mode: ids the message has once every part on the wire is known. */
      expectedSmscIds?: number;
    }
  | { kind: 'refused'; error: MessageError }
  /** Throttled or refused for a passing reason: the SMSC did not take the part. */
  | { kind: 'not-taken'; error: MessageError };

export type LateAnswerResult = 'applied' | 'stale' | 'pending';

type Attempt = LateAnswerResult | 'retry';

const MAX_ATTEMPTS = 5;

export async function recordLateAnswer(
  table: MessageTable,
  receipts: ReceiptApplier,
  expiresAt: number,
  smscIdBase: SmscIdBase,
  id: string,
  given: LateAnswer,
): Promise<LateAnswerResult> {
  // In the base the receipts are read in, as markSubmitted stores them (a zero-padded hex id too).
  const answer =
    given.kind === 'accepted' ? { ...given, smscId: normaliseSmscId(given.smscId, smscIdBase) } : given;
  // An OK naming no message (an empty message_id) tells nothing: the message stays `unknown`
  // without ids, where orphan matching can still find its receipt. Written, '' would be its id and
  // `SMSC#` the lookup of every such message.
  if (answer.kind === 'accepted' && answer.smscId === '') return 'stale';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const item = await getMessageItem(table, id);
    // Gone (TTL), or resolved meanwhile (a receipt, the reconciler): nothing left to learn from it.
    if (!item) return 'stale';
    if (item.status === 'submitting') return 'pending';
    if (item.status !== 'unknown') return 'stale';
    // The SMSC's final report made it `unknown` (RECEIPT_UNKNOWN): every part was answered, and this
    // is a repeat of an answer already recorded.
    if (item.error?.code !== SUBMIT_UNCONFIRMED) return 'stale';
    if (answer.kind === 'not-taken' && item.smscIds.length > 0) return 'stale';
    const result =
      answer.kind === 'accepted'
        ? await addSmscId(table, receipts, expiresAt, item, answer)
        : answer.kind === 'not-taken'
          ? await releaseUntaken(table, item)
          : await refuse(table, item, answer.error);
    if (result !== 'retry') return result;
  }
  throw new RepositoryUnavailableError(`late answer for message ${id} kept losing write races`);
}

async function addSmscId(
  table: MessageTable,
  receipts: ReceiptApplier,
  expiresAt: number,
  item: MessageItem,
  answer: Extract<LateAnswer, { kind: 'accepted' }>,
): Promise<Attempt> {
  const smscIds = [...new Set([...item.smscIds, answer.smscId])];
  const expectedSmscIds = Math.max(smscIdCountOf(item), answer.expectedSmscIds ?? 0);
  const at = table.now().toISOString();
  const update = new UpdateExpressionBuilder();
  // Every part is accepted, but a part accepted without an id (an empty message_id) leaves an id
  // missing: its receipt cannot be matched, so the message stays `unknown`, as it would have with
  // every answer in time, instead of `submitted` for good (the reconciler asks only about `unknown`).
  if (answer.lastPart && smscIds.length >= expectedSmscIds) {
    recordStatus(update, 'submitted', at);
    update.remove('error');
  } else {
    update.set('updatedAt', at);
    markForQuery(update, at, item.account);
    if (expectedSmscIds > smscIds.length) update.set('expectedSmscIds', expectedSmscIds);
  }
  update.set('smscIds', smscIds);
  update.condition(`attribute_exists(${update.name('pk')})`).condition(awaitedAnswerCondition(update));
  update.condition(`size(${update.name('smscIds')}) = ${update.value(item.smscIds.length)}`);
  const owner = {
    messageId: item.id,
    smscIds,
    channel: channelOf(item.kind),
    expiresAt,
    ...(expectedSmscIds > smscIds.length ? { expectedSmscIds } : {}),
  };
  const { result } = await commitWithLookups(table, owner, update, 'record late answer');
  if (result === 'stale') return 'retry';
  await receipts.reconcile(item.id, smscIds);
  return 'applied';
}

async function refuse(table: MessageTable, item: MessageItem, error: MessageError): Promise<Attempt> {
  const update = new UpdateExpressionBuilder();
  recordStatus(update, 'failed', table.now().toISOString());
  update.set('error', error);
  update.condition(`attribute_exists(${update.name('pk')})`).condition(awaitedAnswerCondition(update));
  return (await conditionalUpdate(table, item.id, update, 'record late refusal')) === 'applied'
    ? 'applied'
    : 'retry';
}

async function releaseUntaken(table: MessageTable, item: MessageItem): Promise<Attempt> {
  const at = table.now().toISOString();
  const update = new UpdateExpressionBuilder();
  recordStatus(update, RELEASE_UNTAKEN.to, at);
  // Its SQS copy is gone: the sweeper sends it, a sweep age from now (as a claim given back is
  // due). Not from its creation: a message older than the sweeper's look-back would never be found.
  setAcceptedAttention(update, item.id, at);
  // Sent again whole: none of its parts is missing any more.
  update.remove('error').remove('unsentParts').remove('expectedSmscIds');
  update.condition(`attribute_exists(${update.name('pk')})`).conditionIn('status', [RELEASE_UNTAKEN.from]);
  update.condition(`size(${update.name('smscIds')}) = ${update.value(0)}`);
  return (await conditionalUpdate(table, item.id, update, 'record late answer: not taken')) === 'applied'
    ? 'applied'
    : 'retry';
}
