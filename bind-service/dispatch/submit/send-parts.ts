// Sends a claimed message's parts back-to-back on one bind (the provider wants every part within a
// minute), one rate token per SUBMIT_SM, and sums the part outcomes up into the message's outcome.
// SMPP and the rate limiter only: what the outcome means for storage is record-outcome.ts's job.
import { setTimeout as delay } from 'node:timers/promises';
import {
  PARTS_MINUTE_MS,
  type SubmitFields,
  type SubmitOutcome,
  type SubmitTag,
  type WindowPriority,
} from '#bind-service/smpp/index.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { RatePort } from '../ports.ts';
import { DEFAULT_RETRY_POLICY, decidePart, type PartAttempts, type RetryPolicy } from './part-action.ts';

/** Why a message was not sent when the service stops taking work: it goes back at once (record-outcome.ts). */
export const STOPPING = 'stopping';

/**
 * Why a claimed message was not sent: its validity passed while it waited for its token (urgent
 * traffic, throttling) or for a window slot (the engine's not-sent reason of the same name), or too
 * little of it is left for all its parts (partsAllowanceMs). It goes back (at once, or when its
 * validity ends: giveBackSeconds), and the next receive ends it `expired` (expiry.ts).
 */
export const VALIDITY_PASSED = 'validity-passed';

export type SendResult =
  | { kind: 'submitted'; smscIds: string[] }
  | { kind: 'failed'; error: MessageError; smscIds: string[] }
  /** It may have reached the SMSC: never resent. `partsOnWire`: parts sent, answered or not. */
  | { kind: 'unknown'; reason: string; smscIds: string[]; partsOnWire: number }
  /**
   * Nothing of it went on the wire: the claim may be given back, after `giveBackSeconds` when given
   * (a long message too late to start waits for its validity to end, for the receive that expires it).
   */
  | { kind: 'not-sent'; reason: string; giveBackSeconds?: number };

export interface SendPartsDeps {
  rate: RatePort;
  /** Tags each SUBMIT_SM, so an answer after its timeout can still be matched to the message. */
  messageId?: string;
  policy?: RetryPolicy;
  /** Called on each throttling answer (for the counters). */
  onThrottled?: () => void;
  /** Called on each SUBMIT_SM_RESP, whatever its status (for the counters). */
  onAnswered?: () => void;
  /**
   * After each answer: true when the SMSC throttled the message while it holds no part of it
   * (claimed, yet unsent again until a resend is taken), false otherwise. The caller ends that state
   * itself once sending is over.
   */
  onUnsentWhileClaimed?: (unsent: boolean) => void;
  /**
   * Whether it is too late to start the message: its validity has passed, or, for a long one, less
   * than partsAllowanceMs of it is left. Asked before each SUBMIT_SM while none is on the wire; the
   * SUBMIT_SMs' validity_period functions say the same when each is written (after a slot's wait).
   */
  validityPassed?: () => boolean;
  /** After the first part went out, the rest must follow within this; default 55 s (see below). */
  partsWindowMs?: number;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
}

/**
 * The provider fails a long message whose parts do not all arrive within a minute (err 241); 5 s are
 * kept for the answers and the two clocks. A part that could only go later is not sent at all.
 */
export const PARTS_WINDOW_MS = PARTS_MINUTE_MS - 5_000;

/**
 * Each part after the first waits for the answer to the one before and for its own token: well under
 * a second at the provider's 30 msg/s, so a second a part is generous, yet small enough that only a
 * message with seconds of its validity left is refused (9 s for the default 10 parts).
 */
export const PART_ALLOWANCE_MS = 1_000;

/**
 * The validity a long message must still have when its first part is written, so that its later
 * parts are written within it too: a message started with less would have its last parts refused at
 * the end of its validity, half of it at the SMSC (`unknown`, the parts billed) where it could have
 * ended `expired`, never sent. At most the parts window: all parts go within it, or none after it.
 */
export function partsAllowanceMs(parts: number, partsWindowMs = PARTS_WINDOW_MS): number {
  return Math.min(Math.max(0, parts - 1) * PART_ALLOWANCE_MS, partsWindowMs);
}

const UNKNOWN_REASONS: Readonly<Record<string, string>> = {
  [VALIDITY_PASSED]: "The message's validity ended before its remaining parts could be sent",
  timeout: 'No SUBMIT_SM_RESP came within the response timeout',
  'connection-lost': 'The SMPP connection was lost before the SUBMIT_SM_RESP came',
  'generic-nack': 'The SMSC answered with a generic_nack that does not say whether it took the message',
  'parts-window':
    "The remaining parts could not be sent within the provider's minute for a long message (it fails " +
    'such a message with err 241)',
};

/** Parts (1-based) the SMSC accepted with an empty message_id. */
export function noIdReason(partsWithoutId: readonly number[], parts: number): string {
  const where = parts > 1 ? ` (part ${partsWithoutId.join(', ')} of ${parts})` : '';
  return (
    `The SMSC accepted the message but its answer carried no message id${where}, so its receipt ` +
    'cannot be matched and its outcome may never be known; it is not sent again.'
  );
}

export function unknownReason(reason: string, part: number, parts: number): string {
  const what = UNKNOWN_REASONS[reason] ?? `Not sent (${reason}) after earlier parts were accepted`;
  const where = parts > 1 ? ` (part ${part} of ${parts})` : '';
  return `${what}${where}; the SMSC may have it, so it is not sent again.`;
}

/** One SUBMIT_SM on a session (the engine's SmppClient is one). */
export interface Submitter {
  submit(
    fields: SubmitFields,
    tag?: SubmitTag,
    options?: { priority?: WindowPriority; signal?: AbortSignal },
  ): Promise<SubmitOutcome>;
  /**
   * No more of the message's parts will come, whatever its last answer said (the parts window
   * passed, the limiter closed, throttled too long): a graceful stop need not wait for them.
   */
  messageEnded?(messageId: string): void;
}

/**
 * Each part takes its rate token right before its SUBMIT_SM. `firstTokenTaken`: the caller already
 * took the first part's (the pipeline does, after the claim, racing it against its stop signal).
 * Once the first part is accepted, the others (and any resend) take tokens and window slots ahead of
 * every other message, and none goes out after the parts window.
 */
export async function sendParts(
  bind: Submitter,
  submits: readonly SubmitFields[],
  lane: Priority,
  deps: SendPartsDeps,
  firstTokenTaken = true,
): Promise<SendResult> {
  try {
    return await sendEachPart(bind, submits, lane, deps, firstTokenTaken);
  } finally {
    if (deps.messageId !== undefined) bind.messageEnded?.(deps.messageId);
  }
}

async function sendEachPart(
  bind: Submitter,
  submits: readonly SubmitFields[],
  lane: Priority,
  deps: SendPartsDeps,
  firstTokenTaken: boolean,
): Promise<SendResult> {
  const policy = deps.policy ?? DEFAULT_RETRY_POLICY;
  const now = deps.now ?? (() => performance.now());
  const smscIds: string[] = [];
  /** Parts the SMSC took, with or without an id: once one is taken, the message is not "not sent". */
  let accepted = 0;
  const withoutId: number[] = [];
  /** Set when the first part is accepted: the moment the provider's minute started. */
  let deadline = Number.POSITIVE_INFINITY;
  const late = (index: number): SendResult => ({
    kind: 'unknown',
    reason: unknownReason('parts-window', index + 1, submits.length),
    smscIds,
    partsOnWire: index,
  });
  for (let index = 0; index < submits.length; index++) {
    const fields = submits[index]!;
    const attempts: PartAttempts = { transient: 0, throttled: 0 };
    let haveToken = index === 0 && firstTokenTaken;
    for (;;) {
      const onWire = accepted > 0;
      if (!haveToken) {
        if (now() >= deadline) return late(index);
        const timer = onWire ? deadlineSignal(deadline - now()) : undefined;
        try {
          await deps.rate.wait(onWire ? 'part' : lane, timer?.signal);
        } catch {
          // The deadline passed while waiting, or the limiter closed (the service stops).
          if (timer?.signal.aborted) return late(index);
          return notSent(accepted, smscIds, STOPPING, index, submits.length);
        } finally {
          timer?.clear();
        }
        if (now() >= deadline) return late(index);
      }
      haveToken = false;
      // Sent now, it would reach the SMSC after its validity (with a validity_period of 1 s) and be
      // billed; not sent, it ends `expired`, as a message that never got its turn.
      if (accepted === 0 && deps.validityPassed?.()) return { kind: 'not-sent', reason: VALIDITY_PASSED };
      const tag = deps.messageId
        ? { messageId: deps.messageId, part: index + 1, parts: submits.length }
        : undefined;
      const sentAt = now();
      // Waiting for a window slot, a later part of a message already on the wire goes first (its parts
      // must follow within the provider's window), then an urgent message, as for their tokens.
      const priority = onWire ? 'part' : lane === 'urgent' ? 'urgent' : undefined;
      // A later part gives up its wait for a slot at the parts window's end: sent after it, the
      // provider refuses the message (and bills its parts).
      const slotTimer = onWire ? deadlineSignal(deadline - now()) : undefined;
      let outcome: SubmitOutcome;
      try {
        outcome = await bind.submit(fields, tag, {
          ...(priority ? { priority } : {}),
          ...(slotTimer ? { signal: slotTimer.signal } : {}),
        });
      } finally {
        slotTimer?.clear();
      }
      if (outcome.kind === 'accepted' || outcome.kind === 'rejected' || outcome.kind === 'throttled') {
        deps.onAnswered?.();
      }
      // Every throttling answer, the last one before the message gives up included: the limiter
      // slows down on it and `Throttled` counts it, as `Submitted` does.
      if (outcome.kind === 'throttled') {
        deps.rate.onThrottled();
        deps.onThrottled?.();
      }
      // Throttled with no part of it at the SMSC: claimed, and unsent again until a resend is taken.
      deps.onUnsentWhileClaimed?.(outcome.kind === 'throttled' && accepted === 0);
      if (outcome.kind === 'not-sent' && slotTimer?.signal.aborted) return late(index);
      const decision = decidePart(outcome, attempts, policy, { onWire });
      if (decision.action === 'next' || decision.action === 'next-without-id') {
        deps.rate.onSuccess();
        if (accepted === 0 && submits.length > 1) deadline = sentAt + (deps.partsWindowMs ?? PARTS_WINDOW_MS);
        accepted += 1;
        if (decision.action === 'next') smscIds.push(decision.smscId);
        else withoutId.push(index + 1);
        break;
      }
      switch (decision.action) {
        case 'resend-throttled':
          attempts.throttled += 1;
          continue;
        case 'retry':
          if (now() + decision.delayMs >= deadline) return late(index);
          attempts.transient += 1;
          await delay(decision.delayMs);
          continue;
        case 'fail':
          return { kind: 'failed', error: decision.error, smscIds };
        case 'unknown':
          return {
            kind: 'unknown',
            reason: unknownReason(decision.reason, index + 1, submits.length),
            smscIds,
            partsOnWire: index + 1,
          };
        case 'not-sent':
          return notSent(accepted, smscIds, decision.reason, index, submits.length);
      }
    }
  }
  if (withoutId.length > 0)
    return {
      kind: 'unknown',
      reason: noIdReason(withoutId, submits.length),
      smscIds,
      partsOnWire: submits.length,
    };
  return { kind: 'submitted', smscIds };
}

/** Aborts once `ms` have passed; a plain timer, so a test's fake clock drives it too. */
function deadlineSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error('parts window passed')),
    Math.max(1, Math.ceil(ms)),
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Nothing accepted yet: truly not sent. Earlier parts accepted: the message is incomplete at the SMSC. */
function notSent(
  accepted: number,
  smscIds: string[],
  reason: string,
  index: number,
  parts: number,
): SendResult {
  if (accepted === 0) return { kind: 'not-sent', reason };
  return { kind: 'unknown', reason: unknownReason(reason, index + 1, parts), smscIds, partsOnWire: index };
}
