// A message is sent only within its validity, counted from when it was accepted: one that could not
// go in time (the SMSC throttled it for hours, no bind, the service was down) ends `expired` with the
// reason, never sent and never parked on a dead-letter queue. Checked before the claim, so only a
// message nobody claimed (`accepted`) is expired here; once its first part is on the wire, only the
// SMSC can tell. A claimed message whose validity passes while it waits for its token or a window
// slot, or a long one with too little left for its parts, is not sent: it goes back at once
// (send-parts.ts, VALIDITY_PASSED), and its next receive ends it here.
// The accept time is the earliest of what tells it: the id's ULID time (the API's accept, or SQS's
// SentTimestamp for an id derived from the SQS message; an id derived from an idempotency key has
// none), the body's `acceptedAt` (the record's creation on every copy the API or the sweeper
// enqueues; a direct publisher's own word, which a derived id must not hide) and SentTimestamp. So
// an id or an `acceptedAt` dated after SentTimestamp (a publisher's clock ahead) counts from
// SentTimestamp: nothing is accepted after SQS got it.
import { MessageNotFoundError } from '#core/aws/errors.ts';
import { messageIdTime } from '#core/domain/messages/message-id.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { HeldMessage } from '../intake/held-messages.ts';
import type { LaneQueue } from '../intake/sqs-lane.ts';
import type { MessageStore } from '../ports.ts';
import { retryTransient, type WriteRetry } from './retry.ts';
import { relativeValiditySeconds } from './validity.ts';

/** Epoch ms of the message's acceptance; undefined when nothing tells it. */
export function acceptedAtMs(
  id: string,
  sentTimestampMs: number,
  bodyAcceptedAt?: string,
): number | undefined {
  const bodyMs = bodyAcceptedAt === undefined ? Number.NaN : Date.parse(bodyAcceptedAt);
  const told = [messageIdTime(id), sentTimestampMs, bodyMs];
  const known = told.filter((ms) => Number.isFinite(ms) && ms > 0);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/**
 * Whole seconds of the validity left at `nowMs`, at least 1: the SUBMIT_SM's validity_period, so the
 * SMSC keeps a message that waited (throttled, no bind) no longer than its acceptance allows.
 */
export function validityLeftSeconds(
  validityMinutes: number,
  acceptedAt: number | undefined,
  nowMs: number,
): number {
  const fullSeconds = validityMinutes * 60;
  if (acceptedAt === undefined) return fullSeconds;
  const leftSeconds = Math.ceil((acceptedAt + fullSeconds * 1000 - nowMs) / 1000);
  return Math.min(fullSeconds, Math.max(1, leftSeconds));
}

/**
 * The validity_period of a SUBMIT_SM written at `nowMs` (validityLeftSeconds); undefined once less
 * than `reserveMs` of the validity is left, and then the SUBMIT_SM is not written at all: sent, it
 * would reach the SMSC after the validity (reserveMs 0), or start a long message whose later parts
 * would (partsAllowanceMs, send-parts.ts).
 */
export function validityPeriodAt(
  validityMinutes: number,
  acceptedAt: number | undefined,
  nowMs: number,
  reserveMs = 0,
): string | undefined {
  if (acceptedAt !== undefined && nowMs >= acceptedAt + validityMinutes * 60_000 - reserveMs)
    return undefined;
  return relativeValiditySeconds(validityLeftSeconds(validityMinutes, acceptedAt, nowMs));
}

export function validityPassedError(validityMinutes: number, acceptedAt: number): MessageError {
  return {
    code: 'validity_passed',
    name: 'Validity passed before sending',
    description:
      `The message could not be sent within its validity of ${validityMinutes} minutes ` +
      `(accepted at ${new Date(acceptedAt).toISOString()}); it was never sent.`,
  };
}

export interface ExpiryDeps {
  messages: MessageStore;
  log: Logger;
  stats: DispatchStats;
  clock: () => Date;
  writeRetry?: WriteRetry;
  /** Creates the `accepted` record of a message nobody recorded yet (published straight to SQS). */
  createRecord: () => Promise<void>;
}

/**
 * When the message's validity has passed and it is still `accepted`: records it `expired` and
 * deletes the SQS message; true. False when it may still go, or when it is no longer `accepted`
 * (another copy claimed it, or it ended): the claim path then deals with this delivery.
 */
export async function expireIfDue(
  id: string,
  validity: { minutes: number; bodyAcceptedAt?: string | undefined },
  held: HeldMessage,
  queue: LaneQueue,
  deps: ExpiryDeps,
): Promise<boolean> {
  const validityMinutes = validity.minutes;
  const acceptedAt = acceptedAtMs(id, held.sentTimestampMs, validity.bodyAcceptedAt);
  if (acceptedAt === undefined || deps.clock().getTime() < acceptedAt + validityMinutes * 60_000)
    return false;
  const error = validityPassedError(validityMinutes, acceptedAt);
  const expire = () => retryTransient(() => deps.messages.markExpired(id, error), deps.writeRetry);
  let result: Awaited<ReturnType<typeof expire>>;
  try {
    result = await expire();
  } catch (notFound) {
    if (!(notFound instanceof MessageNotFoundError)) throw notFound;
    await deps.createRecord();
    result = await expire();
  }
  if (result !== 'applied') return false;
  deps.stats.expired += 1;
  const context = { lane: held.lane, id, sqsMessageId: held.sqsMessageId, validityMinutes };
  deps.log.warn('validity passed before the message could be sent: expired, not sent', context);
  await queue.delete(held.receiptHandle).catch((deleteError) => {
    deps.log.warn('expired message not deleted from its queue; its redelivery will be dropped', {
      ...context,
      error: deleteError,
    });
  });
  return true;
}
