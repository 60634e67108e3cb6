import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { markForQuery } from '#core/aws/messages/attention/attention-marks.ts';
import { commitWithLookups } from '#core/aws/messages/lookup-writes.ts';
import { type MessageItem, smscIdCountOf } from '#core/aws/messages/message-item.ts';
import {
  conditionalUpdate,
  getMessageItem,
  type MessageTable,
  recordStatus,
} from '#core/aws/messages/message-writes.ts';
import type { ReceiptApplier } from '#core/aws/messages/receipts/receipt-applier.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import { channelOf } from '#core/domain/receipts/receipt-fields.ts';
import { normaliseSmscId, type SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

// A SUBMIT_SM_RESP that came after its timeout, when the message is already `unknown`: what the
// SMSC did with that part after all. Only the last part sent can time out (parts go one after
// another), so the answer completes what the message knows:
// - accepted: its SMSC id joins the message's ids (with its lookup item, in one transaction). When it
//   was the message's last part, every part is accepted: `unknown → submitted`. Otherwise the
//   message stays `unknown` with ids, listed for the reconciler, and its receipt resolves it.
// - refused (or throttled, which is a refusal too): `unknown → failed`, as an answer in time would.
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
  | { kind: 'refused'; error: MessageError };

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
    const result =
      answer.kind === 'accepted'
        ? await addSmscId(table, receipts, expiresAt, item, answer)
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
  if (answer.lastPart) {
    recordStatus(update, 'submitted', at);
    update.remove('error');
  } else {
    update.set('updatedAt', at);
    markForQuery(update, at, item.account);
    if (expectedSmscIds > smscIds.length) update.set('expectedSmscIds', expectedSmscIds);
  }
  update.set('smscIds', smscIds);
  update.condition(`attribute_exists(${update.name('pk')})`).conditionIn('status', ['unknown']);
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
  update.condition(`attribute_exists(${update.name('pk')})`).conditionIn('status', ['unknown']);
  return (await conditionalUpdate(table, item.id, update, 'record late refusal')) === 'applied'
    ? 'applied'
    : 'retry';
}
