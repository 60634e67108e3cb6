// A claim whose every write went unanswered (the store timed out each time) may still have landed.
// Nothing went on the wire under it: the pipeline sends only after a claim it saw. Left in place, the
// message's next receive would find it `submitting` under this same queue message and end it
// `unknown` — a message never sent, reported as possibly sent. So before the message is given back,
// the claim is released, if it is there and still this receive's (the holder names one receive), and
// that write is retried like the record of a send: until near the visibility deadline. Only a store
// away for all that time leaves the claim for the next receive to find; a crash meanwhile does too,
// as a crash between a claim and its SUBMIT_SM always has.
import { MessageNotFoundError, RepositoryUnavailableError } from '#core/aws/errors.ts';
import type { ClaimResult } from '#core/aws/messages/message-repository.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { MessageStore } from '../ports.ts';
import { type PatientRetry, retryTransient, retryUntil, type WriteRetry } from './retry.ts';

export interface UnansweredClaimDeps {
  messages: Pick<MessageStore, 'releaseClaim'>;
  log: Logger;
  writeRetry?: WriteRetry;
  patientRetry?: PatientRetry;
}

export interface ClaimSubject {
  id: string;
  /** The receive that claims: `<SQS MessageId>#<receive>`. */
  holder: string;
  /** Monotonic ms after which the release is not tried again. */
  deadline: () => number;
  context: Record<string, unknown>;
}

/** The claim, retried on transient failures; when they last, what may have landed is released and the failure thrown. */
export async function claimOrRelease(
  claim: () => Promise<ClaimResult>,
  subject: ClaimSubject,
  deps: UnansweredClaimDeps,
): Promise<ClaimResult> {
  try {
    return await retryTransient(claim, deps.writeRetry);
  } catch (error) {
    if (error instanceof RepositoryUnavailableError) await releaseUnanswered(subject, deps);
    throw error;
  }
}

async function releaseUnanswered(subject: ClaimSubject, deps: UnansweredClaimDeps): Promise<void> {
  const { id, holder, deadline, context } = subject;
  try {
    const released = await retryUntil(
      () => deps.messages.releaseClaim(id, holder),
      deadline,
      deps.patientRetry ? { backoff: deps.patientRetry } : {},
    );
    // 'stale': the claim never landed (or another receive holds it); nothing to undo.
    if (released === 'applied') {
      deps.log.warn('claim landed although its answers were lost; released, as nothing was sent', context);
    }
  } catch (error) {
    // No record (published straight to SQS and not created yet): no claim either.
    if (error instanceof MessageNotFoundError) return;
    deps.log.error('claim unanswered and not released: the next receive will find it and end it unknown', {
      ...context,
      error,
    });
  }
}
