// What to do with one part's SUBMIT_SM outcome. Pure, so every branch of the "never send twice,
// never lose" rules is unit-tested without a socket:
// - accepted: keep its SMSC id, go on with the next part. Accepted with an empty message_id: go on
//   too (the part is at the SMSC), but no receipt can be matched to it, so the message ends unknown.
// - throttled (ESME_RTHROTTLED, ESME_RMSGQFUL): nothing was accepted, so the SAME part is sent again
//   after the limiter slowed down; never a reason to fail the message.
// - rejected, transient (system error…): the same part again after a back-off, a bounded number of
//   times. Then, with nothing of the message on the wire, it is not sent: the SMSC took nothing, so
//   it goes again on a later receive (the growing give-back pause), until its validity ends; a
//   passing trouble of the SMSC never fails a message for good. A later part fails the message
//   (its earlier parts are at the SMSC, and the rest cannot follow within the provider's minute).
// - rejected, permanent: the message fails (with the SMSC ids of parts already accepted, if any).
// - unknown (no answer, link lost, generic nack): it may have been accepted; never resent.
// - not-sent: nothing went on the wire, or the SMSC took nothing because it holds the session
//   unbound (ESME_RINVBNDSTS); the caller decides (release the claim, or `unknown` when earlier
//   parts are already on the wire).
import type { SubmitOutcome } from '#bind-service/smpp/index.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import { CommandStatus, describeCommandStatus } from '#core/domain/provider/command-status.ts';

export interface RetryPolicy {
  /** Resends of one part after transient rejections; default 3. */
  maxTransientRetries: number;
  /** Back-off before the n-th transient resend: base × 2^n, capped. */
  transientBaseMs: number;
  transientCapMs: number;
  /** Resends of one part after throttling (the limiter paces them); then it counts as not sent. */
  maxThrottledResends: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxTransientRetries: 3,
  transientBaseMs: 250,
  transientCapMs: 2_000,
  maxThrottledResends: 60,
};

export type PartAction =
  | { action: 'next'; smscId: string }
  | { action: 'next-without-id' }
  | { action: 'resend-throttled' }
  | { action: 'retry'; delayMs: number }
  | { action: 'fail'; error: MessageError }
  | { action: 'unknown'; reason: string }
  | { action: 'not-sent'; reason: string };

export interface PartAttempts {
  transient: number;
  throttled: number;
}

/** The `failed` record's error for a refusing command_status. */
export function commandStatusError(commandStatus: number): MessageError {
  const info = describeCommandStatus(commandStatus);
  const hex = `0x${(commandStatus >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  return {
    code: info.name,
    name: info.description,
    description: `The SMSC refused the submit with ${info.name} (${hex}): ${info.description}.`,
  };
}

export function decidePart(
  outcome: SubmitOutcome,
  attempts: PartAttempts,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  message: { onWire: boolean } = { onWire: false },
): PartAction {
  switch (outcome.kind) {
    case 'accepted':
      return outcome.messageId.trim() === ''
        ? { action: 'next-without-id' }
        : { action: 'next', smscId: outcome.messageId };
    case 'throttled':
      return attempts.throttled < policy.maxThrottledResends
        ? { action: 'resend-throttled' }
        : { action: 'not-sent', reason: 'throttled-too-long' };
    case 'rejected': {
      // The SMSC holds the session unbound and took nothing: the session binds again (session.ts),
      // and the message goes then, never failed for a state of the session.
      if (outcome.commandStatus === CommandStatus.ESME_RINVBNDSTS)
        return { action: 'not-sent', reason: 'session-not-bound-at-smsc' };
      const transient = describeCommandStatus(outcome.commandStatus).kind === 'transient';
      if (transient && attempts.transient < policy.maxTransientRetries) {
        const delayMs = Math.min(policy.transientCapMs, policy.transientBaseMs * 2 ** attempts.transient);
        return { action: 'retry', delayMs };
      }
      if (transient && !message.onWire) return { action: 'not-sent', reason: 'transient-refusals' };
      return { action: 'fail', error: commandStatusError(outcome.commandStatus) };
    }
    case 'unknown':
      return { action: 'unknown', reason: outcome.reason };
    case 'not-sent':
      return { action: 'not-sent', reason: outcome.reason };
  }
}
