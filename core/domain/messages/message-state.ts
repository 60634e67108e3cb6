import type { ReceiptOutcome } from '#core/domain/receipts/receipt.ts';

// Message states and the only moves between them. Every status write in DynamoDB is conditional on
// the current status being one of `allowedPredecessors(next)`, so a late, repeated or reordered event
// (a second receipt, a SUBMIT_SM_RESP after its receipt, an SQS redelivery) can never move a message
// backwards: it fails the condition and is dropped as stale.

/** In rank order. */
export const MESSAGE_STATUSES = [
  'accepted',
  'submitting',
  'unknown',
  'submitted',
  'delivered',
  'undelivered',
  'expired',
  'rejected',
  'failed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const FINAL_STATUSES = ['delivered', 'undelivered', 'expired', 'rejected', 'failed'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

// `unknown` ranks BELOW `submitted`: it means "the SUBMIT_SM may or may not have reached the SMSC, no
// answer came", which a late SUBMIT_SM_RESP or a QUERY_SM resolves to `submitted`. Ranking it above
// `submitted` would make that resolution a backward step. Forward moves reach it only from
// `submitting`; the SMSC's own final "cannot tell" reaches it from `submitted` (RECEIPT_UNKNOWN).
export const statusRank: Readonly<Record<MessageStatus, number>> = {
  accepted: 0,
  submitting: 1,
  unknown: 2,
  submitted: 3,
  delivered: 4,
  undelivered: 4,
  expired: 4,
  rejected: 4,
  failed: 4,
};

// Forward moves only; every one strictly raises the rank (a unit test holds the table to that).
const NEXT: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  // rejected: an invalid queue message; failed: given up before any submit; expired: its validity
  // passed before it could be sent (it never reached the SMSC).
  accepted: ['submitting', 'rejected', 'failed', 'expired'],
  // unknown: the submit may be on the wire but its answer never came (timeout, socket died);
  // it is never resent automatically, so a message is not sent twice.
  submitting: ['unknown', 'submitted', 'failed'],
  // A receipt that arrives before the SUBMIT_SM_RESP is stored aside and applied after `submitted`,
  // so there is no shortcut from `submitting` to a delivery outcome.
  // From unknown: a late SUBMIT_SM_RESP (submitted or failed), or a QUERY_SM answer that already
  // carries the outcome, resolves it in one write.
  unknown: ['submitted', 'delivered', 'undelivered', 'expired', 'rejected', 'failed'],
  submitted: ['delivered', 'undelivered', 'expired', 'rejected'],
  delivered: [],
  undelivered: [],
  expired: [],
  rejected: [],
  failed: [],
};

/** Whether `from → to` is a forward move. The release of a claim is not one: see `RELEASE_CLAIM`. */
export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * The statuses a message may be in for a write of `to` to succeed, for a DynamoDB condition
 * `#status IN (...)`. Empty for `accepted`: that status is only ever created (attribute_not_exists)
 * or restored by `RELEASE_CLAIM`, never reached by a forward move.
 */
export function allowedPredecessors(to: MessageStatus): MessageStatus[] {
  return MESSAGE_STATUSES.filter((from) => canTransition(from, to));
}

/**
 * A backward move: the bind-service gives a claimed message back (`submitting → accepted`)
 * because nothing went on the wire (shutdown before the write, bind lost before the PDU was sent),
 * so another attempt cannot send it twice. Kept out of `canTransition` so that no event handler can
 * take it by accident; the repository exposes it as its own operation.
 */
export const RELEASE_CLAIM = { from: 'submitting', to: 'accepted' } as const satisfies {
  from: MessageStatus;
  to: MessageStatus;
};

/**
 * A late answer that the SMSC did not take the message after all: its first SUBMIT_SM, answered
 * only after the response timeout had made the message `unknown`, was throttled or refused for a
 * passing reason, so nothing of it is at the SMSC and sending it cannot make a second copy. The
 * message is `accepted` again, listed for the sweeper, which enqueues it (its queue copy was deleted
 * with the `unknown`). Kept out of `canTransition`, like RELEASE_CLAIM: only the late-answer write
 * takes it, and only for a message without SMSC ids.
 */
export const RELEASE_UNTAKEN = { from: 'unknown', to: 'accepted' } as const satisfies {
  from: MessageStatus;
  to: MessageStatus;
};

/**
 * The other move outside the rank order: the SMSC's final report that it cannot tell the outcome
 * either (stat:UNKNOWN; err 245 when the operator sent no status within a day). SPEC lists
 * `unknown` among the outcomes of `submitted`; left `submitted`, the message never ended and no
 * event told. Nothing moves it back: every part was answered, so the moves a submit's answer makes
 * from `unknown` (to `submitted` or `failed`) are taken only from an `unknown` whose error is
 * SUBMIT_UNCONFIRMED (a repeat of that answer, say markSubmitted retried, finds this one
 * otherwise), and the reconciler asks only about messages whose submit went unanswered. A
 * definitive receipt coming later still moves it on, as from any `unknown`. Like RELEASE_CLAIM,
 * kept out of `canTransition`: only the receipt writes take it.
 */
export const RECEIPT_UNKNOWN = { from: 'submitted', to: 'unknown' } as const satisfies {
  from: MessageStatus;
  to: MessageStatus;
};

/**
 * The error code of an `unknown` whose submit went unanswered (timeout, socket lost, the worker gone):
 * the only `unknown` a late answer, or the submit's own answer recorded late, may still resolve.
 */
export const SUBMIT_UNCONFIRMED = 'submit_unconfirmed';

/** Where a submit's answer takes a message; from `unknown` only one that is SUBMIT_UNCONFIRMED. */
export const SUBMIT_ANSWER_STATUSES: readonly MessageStatus[] = ['submitted', 'failed'];

export function isFinal(status: MessageStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly MessageStatus[]).includes(status);
}

/** `read` and `clicked` (provider TLV 0x2004) are only meaningful once the message was delivered. */
export function canSetEngagementFlags(status: MessageStatus): boolean {
  return status === 'delivered';
}

/**
 * The status a receipt (its parsed `stat:`) moves the message to by a forward move, or undefined for
 * none.
 * - `enroute`: an intermediate report; the message is still on its way.
 * - `unknown` (stat:UNKNOWN): the provider cannot tell either. Our `unknown` ranks below `submitted`,
 *   so that is no forward move: the receipt writes take RECEIPT_UNKNOWN instead.
 */
export function receiptOutcomeToStatus(outcome: ReceiptOutcome): FinalStatus | undefined {
  switch (outcome) {
    case 'delivered':
    case 'undelivered':
    case 'expired':
    case 'rejected':
      return outcome;
    case 'unknown':
    case 'enroute':
      return undefined;
  }
}
