// A queue message nobody recorded yet (published straight to SQS) gets its `accepted` record before
// it is claimed, built from what the queue message says. With the anti-loop rules on, the record
// awaits them: a failure between the record and the rules' verdict (or the `rejected` write) leaves
// a record that every later receive must still put to the rules before it may be claimed.
import { DuplicateMessageIdError } from '#core/aws/errors.ts';
import type { ClaimContent } from '#core/aws/messages/message-repository.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { contentFingerprint } from '#core/domain/messages/same-content.ts';
import type { HeldMessage } from '../intake/held-messages.ts';
import type { ParsedQueueMessage } from '../intake/queue-message.ts';
import type { MessageStore } from '../ports.ts';
import { acceptedAtMs } from './expiry.ts';
import { retryTransient, type WriteRetry } from './retry.ts';

export interface AcceptedRecordDeps {
  messages: Pick<MessageStore, 'createAccepted' | 'createAwaitingRules'>;
  writeRetry?: WriteRetry;
  clock: () => Date;
}

type Valid = Extract<ParsedQueueMessage, { ok: true }>;

/**
 * The `accepted` record a queue message makes: also what a record of its id is compared with when
 * another receive made it (reused-id.ts), so both are built here alike.
 */
export function acceptedRecordOf(
  id: string,
  parsed: Valid,
  held: Pick<HeldMessage, 'lane' | 'sentTimestampMs'>,
  now: Date,
): MessageRecord {
  const { message, prepared } = parsed;
  // Accepted when it was published (or when the body says), not when first received: the sweeper's
  // copy of an id without a time carries createdAt as its acceptance, and validity counts from it.
  const acceptedAt = acceptedAtMs(id, held.sentTimestampMs, message.acceptedAt) ?? now.getTime();
  return {
    ...acceptedMessageRecord({
      id,
      request: message,
      prepared,
      now: new Date(Math.min(acceptedAt, now.getTime())),
      account: parsed.account.name,
      ...(message.batchId ? { batchId: message.batchId } : {}),
    }),
    // The lane it was actually read from, whatever its (defaulted) priority field says.
    priority: held.lane,
  };
}

/**
 * What a claim of this queue message holds its record to (ClaimOptions.content): the fingerprint of
 * the record it would make, and its account when it names one (as differencesFrom compares it).
 */
export function claimContentOf(
  id: string,
  parsed: Valid,
  held: Pick<HeldMessage, 'lane' | 'sentTimestampMs'>,
  now: Date,
): ClaimContent {
  const record = acceptedRecordOf(id, parsed, held, now);
  const fingerprint = contentFingerprint(record);
  const account = comparedAccount(parsed, record);
  return account === undefined ? { fingerprint } : { fingerprint, account };
}

/**
 * The account a record of this message's id is held to: the routed one only when the message names
 * one. A message naming none is routed again on each receive, so its account says nothing of its
 * content (a rule changed meanwhile must not make a redelivery another message).
 */
export function comparedAccount(parsed: Valid, record: Pick<MessageRecord, 'account'>): string | undefined {
  return parsed.message.account === undefined ? undefined : record.account;
}

/** True when this call made the record; false when another copy of the same send made it first. */
export async function createAcceptedRecord(
  id: string,
  parsed: Valid,
  held: Pick<HeldMessage, 'lane' | 'sentTimestampMs'>,
  deps: AcceptedRecordDeps,
  options: { awaitingRules?: boolean } = {},
): Promise<boolean> {
  const record = acceptedRecordOf(id, parsed, held, deps.clock());
  try {
    const create = async (): Promise<void> => {
      if (options.awaitingRules) await deps.messages.createAwaitingRules(record);
      else await deps.messages.createAccepted(record);
    };
    await retryTransient(create, deps.writeRetry);
    return true;
  } catch (error) {
    // Another copy of the same send (same derived id) created it first: that is fine (a message of
    // other content under that id is refused by the caller, reused-id.ts).
    if (!(error instanceof DuplicateMessageIdError)) throw error;
    return false;
  }
}
