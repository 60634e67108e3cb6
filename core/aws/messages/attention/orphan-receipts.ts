import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { BY_ATTENTION, deferUnknown, listedBefore } from '#core/aws/messages/attention/attention.ts';
import { orphanAttention } from '#core/aws/messages/attention/attention-marks.ts';
import {
  MAX_UNMATCHED_READ,
  type MatchCandidate,
  readUnmatched,
  UnmatchedRivals,
} from '#core/aws/messages/attention/unmatched-rivals.ts';
import {
  itemKey,
  type MessageItem,
  type SmscLookupItem,
  smscIdOfLookupPk,
} from '#core/aws/messages/message-item.ts';
import { getMessageItem, type MessageTable } from '#core/aws/messages/message-writes.ts';
import { recordLateAnswer } from '#core/aws/messages/receipts/late-answer.ts';
import type { ReceiptApplier } from '#core/aws/messages/receipts/receipt-applier.ts';
import { queryPages } from '#core/aws/query-pages.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import { claimedAtOf } from '#core/domain/messages/message-model.ts';
import { quotedText } from '#core/domain/receipts/receipt.ts';
import type { SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

// A submit whose SUBMIT_SM_RESP never reached us (the process died with it on the wire, the link
// dropped, the answer came after the timeout to a process that had gone) leaves its message
// `unknown` with no SMSC id; the SMSC did take it, and its receipt arrives with an id nobody knows,
// so the receipt is parked on its `SMSC#<id>` lookup as an orphan. Both are listed in the messages
// table's byAttention index, so the reconciler can bring them together:
// - `unmatched` (`unmatched#<account>` for other accounts than the default): `unknown` messages
//   without SMSC ids (markUnknown without ids, a redelivered claim);
// - `orphan#<recipient digits>`: lookups holding receipts without an owner, by the number they
//   report on (the DELIVER_SM's source_addr), `attentionAt` = when parked.
// A message adopts an orphan only when exactly one orphan fits it: same recipient, parked after the
// message was claimed (less a clock skew) and at least `minOrphanAgeMs` ago (an owner whose
// `submitted` write is merely late has written it by then), and a receipt text the message's text
// starts with, if the receipt quotes one (SMPP 3.4's `text:` field; the provider's receipts have
// none, so there the number and the time decide). Two fits are ambiguous: the message
// stays `unknown` rather than risk taking another message's outcome. So is the mirror case, an
// orphan that another unmatched message of the login fits too (a crash leaves the message whose
// answer was lost and a claimed one never sent, both to one number): none adopts it
// (unmatched-rivals.ts reads the login's unmatched messages for that, once a run). Adoption is the
// late answer the message never got (late-answer.ts): `unknown → submitted` with the lookup written
// in the same transaction, and the parked receipts applied right after. Messages of several parts
// are not matched (their parts' receipts cannot be told apart reliably); they stay `unknown`.

/** The default account's partition (and that of every account, before they had their own). */
export const UNMATCHED_ATTENTION = 'unmatched';
/** Receipts may be stamped by a host whose clock is a little behind the one that claimed. */
const CLOCK_SKEW_MS = 60_000;
/** More orphans than this in one message's window are more than can be told apart. */
const MAX_CANDIDATES = 10;
/** Index entries read per page while looking for this login's orphans among every login's. */
const ORPHAN_PAGE = 100;

/**
 * The partition of the table's account's unmatched messages: each account matches its own, against
 * the orphans of its own login (MessageTable.smscScope), so a receipt of one login never resolves
 * another login's message, and one account's unmatched messages never hold up another's.
 */
function unmatchedAttention(scope: string | undefined): string {
  return scope === undefined ? UNMATCHED_ATTENTION : `${UNMATCHED_ATTENTION}#${scope}`;
}

/** Lists an `unknown` message without SMSC ids for its account's matching, as of `at` (ISO). */
export function markForMatching(table: MessageTable, update: UpdateExpressionBuilder, at: string): void {
  update.set('attention', unmatchedAttention(table.smscScope)).set('attentionAt', at);
}

/** Ids of the account's unmatched messages listed at or before `before`, oldest first, at most `limit`. */
export function unmatchedToCheck(table: MessageTable, before: Date, limit: number): Promise<string[]> {
  return listedBefore(table, unmatchedAttention(table.smscScope), before, limit);
}

/** Looks again after `at`, or takes the message out of the index (undefined). No-op once resolved. */
export function nextMatchAt(table: MessageTable, id: string, at: Date | undefined): Promise<void> {
  return deferUnknown(table, unmatchedAttention(table.smscScope), id, at);
}

/**
 * Hands an unmatched message found in this account's partition to the account it belongs to: an
 * account other than the default (`account`), or the default (undefined), whose partition is where
 * earlier versions listed every account's.
 */
export function handOverUnmatched(
  table: MessageTable,
  id: string,
  account: string | undefined,
  at: Date,
): Promise<void> {
  return deferUnknown(table, unmatchedAttention(account), id, at, [unmatchedAttention(table.smscScope)]);
}

export type OrphanMatch =
  /** The message adopted one orphan receipt's SMSC id. */
  | 'matched'
  /** No orphan fits (yet). */
  | 'none'
  /** More than one orphan fits, or the one that fits fits another unmatched message too: left alone. */
  | 'ambiguous'
  /** Not (or no longer) an unknown single-part message without ids: nothing to match. */
  | 'not-eligible';

export interface MatchOptions {
  minOrphanAgeMs: number;
  /**
   * The login's other unmatched messages, shared by the matches of one run (unmatchedRivals);
   * absent, this match reads them itself.
   */
  rivals?: UnmatchedRivals;
}

/** The login's other unmatched messages, read on first use, at most `limit` (unmatched-rivals.ts). */
export function unmatchedRivals(table: MessageTable, limit = MAX_UNMATCHED_READ): UnmatchedRivals {
  return new UnmatchedRivals(() =>
    readUnmatched(table, unmatchedAttention(table.smscScope), limit, candidateOf),
  );
}

/**
 * A message that may own an orphan: `unknown`, single-part, without SMSC ids, to a number. Orphans
 * it may own were parked since its claim (its creation, for a record without one), less the skew.
 */
function candidateOf(item: MessageItem): MatchCandidate | undefined {
  if (item.status !== 'unknown' || item.smscIds.length > 0 || item.parts !== 1) return undefined;
  const recipient = orphanAttention(item.to);
  if (!recipient || item.to.includes('@')) return undefined;
  const claimedAt = claimedAtOf(item.history) ?? item.createdAt;
  const since = new Date(Date.parse(claimedAt) - CLOCK_SKEW_MS).toISOString();
  return { id: item.id, recipient, since, text: item.text ?? '' };
}

export async function matchOrphanReceipt(
  table: MessageTable,
  receipts: ReceiptApplier,
  expiresAt: number,
  smscIdBase: SmscIdBase,
  id: string,
  options: MatchOptions,
): Promise<OrphanMatch> {
  const item = await getMessageItem(table, id);
  const message = item && candidateOf(item);
  if (!message) return 'not-eligible';
  const until = new Date(table.now().getTime() - options.minOrphanAgeMs).toISOString();
  if (until < message.since) return 'none';
  const orphans = await orphansIn(table, message.recipient, message.since, until);
  if (orphans.length > MAX_CANDIDATES) return 'ambiguous';
  const fits: { smscId: string; parkedAt: string; texts: string[] }[] = [];
  for (const { smscId, parkedAt } of orphans) {
    const lookup = await readLookup(table, smscId);
    const pending = lookup?.pendingReceipts ?? [];
    if (!lookup || lookup.messageId || pending.length === 0) continue;
    const texts = pending.map((receipt) => receipt.text);
    if (receiptsAgree(message.text, texts)) fits.push({ smscId, parkedAt, texts });
  }
  const [only, ...others] = fits;
  if (only === undefined) return 'none';
  if (others.length > 0) return 'ambiguous';
  const rivals = options.rivals ?? unmatchedRivals(table);
  const fit = { parkedAt: only.parkedAt, agreesWith: (text: string) => receiptsAgree(text, only.texts) };
  if (await rivals.contested(message, fit)) return 'ambiguous';
  const adopted = await recordLateAnswer(table, receipts, expiresAt, smscIdBase, id, {
    kind: 'accepted',
    smscId: only.smscId,
    lastPart: true,
  });
  if (adopted !== 'applied') return 'none';
  rivals.settled(id);
  return 'matched';
}

/**
 * A receipt that quotes the start of its text must quote this one's; one that quotes none has no
 * say. Every receipt parked on an orphan must agree.
 */
function receiptsAgree(messageText: string, receiptTexts: readonly string[]): boolean {
  return receiptTexts.every((receiptText) => {
    const quote = quotedText(receiptText);
    return quote === '' || messageText.trim().startsWith(quote);
  });
}

/**
 * This login's orphans in the window, up to one more than MAX_CANDIDATES (enough to call it
 * ambiguous). Orphans of every login share the recipient's partition, so the query pages on past
 * other logins' orphans: a Limit counts items read, before any are set aside.
 */
async function orphansIn(table: MessageTable, partition: string, since: string, until: string) {
  const found: { smscId: string; parkedAt: string }[] = [];
  const pages = queryPages(table.client, 'list orphan receipts', () => ({
    TableName: table.tableName,
    IndexName: BY_ATTENTION,
    KeyConditionExpression: '#attention = :orphan AND #attentionAt BETWEEN :since AND :until',
    ExpressionAttributeNames: { '#attention': 'attention', '#attentionAt': 'attentionAt' },
    ExpressionAttributeValues: { ':orphan': partition, ':since': since, ':until': until },
    Limit: ORPHAN_PAGE,
  }));
  for await (const items of pages) {
    for (const item of items) {
      const smscId = smscIdOfLookupPk(String(item.pk), table.smscScope);
      if (smscId !== undefined) found.push({ smscId, parkedAt: String(item.attentionAt) });
    }
    if (found.length > MAX_CANDIDATES) break;
  }
  return found;
}

async function readLookup(table: MessageTable, smscId: string): Promise<SmscLookupItem | undefined> {
  const { Item } = await runDynamo('read orphan receipt', () =>
    table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: itemKey.smsc(smscId, table.smscScope),
        ConsistentRead: true,
      }),
    ),
  );
  return Item as SmscLookupItem | undefined;
}
