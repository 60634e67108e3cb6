import { MessageNotFoundError } from '#core/aws/errors.ts';
import { setAcceptedAttention } from '#core/aws/messages/attention/attention-marks.ts';
import {
  AWAITING_RULES,
  CONTENT_FINGERPRINT,
  fromMessageItem,
  type MessageItem,
} from '#core/aws/messages/message-item.ts';
import {
  getMessageItem,
  type MessageTable,
  type TransitionResult,
  transition,
} from '#core/aws/messages/message-writes.ts';
import { CLAIMED_BY } from '#core/aws/messages/submit-outcomes.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import { claimedAtOf, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { type MessageStatus, RELEASE_CLAIM } from '#core/domain/messages/message-state.ts';

// The claim that lets one receive of a queue message send it (accepted → submitting), and its
// release when nothing went on the wire. The claim names the receive that holds it, so a retried
// claim recognises its own and only that receive may release it.

/**
 * 'awaiting-rules': still `accepted`, unclaimed until the anti-loop rules admit it (createAwaitingRules).
 * 'unmatched-content': still `accepted`, but its fingerprint is not the claimer's (ClaimOptions.content):
 * the record is another message's, or was written before records had one; compare before claiming.
 */
export type ClaimResult =
  | 'claimed'
  | 'already-claimed'
  | 'not-found'
  | 'awaiting-rules'
  | 'unmatched-content';

/** What the claiming queue message would send (its record's contentFingerprint), and its account. */
export interface ClaimContent {
  fingerprint: string;
  /** Only when the queue message names one: one naming none is routed again on each receive. */
  account?: string;
  /** Given the record as read when it is 'unmatched-content'. */
  onUnmatched?: (record: MessageRecord) => void;
}

export interface ClaimOptions {
  /** Ahead of the table's waiting updates (an urgent message's claim); bulk claims go behind them. */
  urgent?: boolean;
  /** The anti-loop rules admitted it: a record awaiting them is claimed too, and awaits no more. */
  admitted?: boolean;
  /**
   * Claims only a record of this content, in the claim's own condition (no read): an id reused for
   * another message must not claim the first message's record while it waits unclaimed. Left out
   * once the caller has compared the record itself (content never changes after it is written).
   */
  content?: ClaimContent;
}

/**
 * The claim; on 'already-claimed', `claimedBefore` gets the record as it is (the repository applies
 * receipts a crashed claimer left parked). See MessageRepository.claimForSubmit.
 */
export async function claimMessage(
  table: MessageTable,
  id: string,
  holder: string | undefined,
  options: ClaimOptions,
  claimedBefore: (item: MessageItem | undefined) => Promise<unknown>,
): Promise<ClaimResult> {
  try {
    const result = await transition(table, id, 'submitting', {
      first: options.urgent === true,
      last: options.urgent !== true,
      extra: (update) => {
        if (holder === undefined) update.remove(CLAIMED_BY);
        else update.set(CLAIMED_BY, holder);
        if (options.admitted) update.remove(AWAITING_RULES);
        else update.condition(`attribute_not_exists(${update.name(AWAITING_RULES)})`);
        if (options.content) conditionSameContent(update, options.content);
      },
    });
    if (result === 'applied') return 'claimed';
  } catch (error) {
    if (error instanceof MessageNotFoundError) return 'not-found';
    throw error;
  }
  const item = await getMessageItem(table, id);
  if (item?.status === 'accepted' && item.awaitingRules && !options.admitted) return 'awaiting-rules';
  if (item?.status === 'accepted' && options.content && !sameContent(item, options.content)) {
    // The caller compares the record before claiming again: handed the one read here, it need not
    // read it a second time (every record of a version before fingerprints comes this way once).
    options.content.onUnmatched?.(fromMessageItem({ ...item }));
    return 'unmatched-content';
  }
  if (item?.status === 'accepted' && item.awaitingRules) return 'awaiting-rules';
  // A retry of a claim write that committed but whose answer was lost (a timeout) finds its own
  // claim: the holder names one receive, so only that same receive can match it.
  if (holder !== undefined && item?.status === 'submitting' && item.claimedBy === holder) return 'claimed';
  await claimedBefore(item);
  return 'already-claimed';
}

function conditionSameContent(update: UpdateExpressionBuilder, content: ClaimContent): void {
  update.condition(`${update.name(CONTENT_FINGERPRINT)} = ${update.value(content.fingerprint)}`);
  if (content.account === undefined) return;
  // A record of no account (written before accounts existed) is compared without one, as
  // contentDifferences compares it.
  const account = update.name('account');
  update.condition(`attribute_not_exists(${account}) OR ${account} = ${update.value(content.account)}`);
}

function sameContent(item: MessageItem, content: ClaimContent): boolean {
  if (item.contentFingerprint !== content.fingerprint) return false;
  return content.account === undefined || item.account === undefined || item.account === content.account;
}

/** Who claimed a message and when: what a later receive of its queue message weighs (redelivery.ts). */
export interface ClaimView {
  status: MessageStatus;
  /** The claim's holder (claimHolder): `<SQS MessageId>#<receive>[#<task>]`. */
  claimedBy?: string;
  /** The last move to `submitting`. */
  claimedAt?: string;
}

/** The record's claim as it is now; undefined when there is no record. */
export async function readClaim(table: MessageTable, id: string): Promise<ClaimView | undefined> {
  const item = await getMessageItem(table, id);
  if (!item) return undefined;
  const claimedAt = claimedAtOf(item.history);
  return {
    status: item.status,
    ...(item.claimedBy === undefined ? {} : { claimedBy: item.claimedBy }),
    ...(claimedAt === undefined ? {} : { claimedAt }),
  };
}

/** submitting → accepted; see MessageRepository.releaseClaim. */
export function releaseClaim(table: MessageTable, id: string, holder?: string): Promise<TransitionResult> {
  // `accepted` again: back in the sweeper's index, due a sweep age from now.
  return transition(table, id, RELEASE_CLAIM.to, {
    from: [RELEASE_CLAIM.from],
    extra: (update, at) => {
      setAcceptedAttention(update, id, at);
      if (holder !== undefined) update.condition(`${update.name(CLAIMED_BY)} = ${update.value(holder)}`);
    },
  });
}
