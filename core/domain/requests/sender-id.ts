// Sender ids (source_addr) the provider can take. Alphanumeric names are GSM 03.40 TP-OA: at most 11
// characters; we allow Latin letters, digits, space, ".", "_" and "-" (spaces only inside: operators
// trim them). A number is either international with "+" (E.164, up to 15 digits, sent as TON 1) or
// plain digits, which the provider's example configuration (source-addr-ton = 5) sends with the
// alphanumeric TON, so they obey the same 11-character limit.

import { DomainError } from '#core/domain/errors.ts';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import { normaliseEmailAddress } from '#core/domain/requests/email-address.ts';

export const MAX_ALPHANUMERIC_SENDER = 11;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z0-9])[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]{0,9}[A-Za-z0-9._-])?$/;
const INTERNATIONAL_SENDER = /^\+[0-9]{1,15}$/;

export const SENDER_ID_RULE =
  'must be 1-11 letters, digits, spaces, ".", "_" or "-" (a number without "+" counts as such), ' +
  'or "+" and an international number of up to 15 digits';

/** Whether the provider can take this sender id as it is. */
export function isValidSenderId(value: string): boolean {
  return ALPHANUMERIC_SENDER.test(value) || INTERNATIONAL_SENDER.test(value);
}

/** An SMPP source_addr holds 20 characters: an e-mail sender is at most that. */
export const MAX_EMAIL_SENDER = 20;

export const EMAIL_SENDER_RULE = `for kind "mail", an e-mail address of at most ${MAX_EMAIL_SENDER} characters`;

/** Whether `from` names an e-mail sender (kind "mail" only); checked with isValidEmailSender. */
export function isEmailSender(value: string): boolean {
  return value.includes('@');
}

/** An e-mail address short enough for source_addr. */
export function isValidEmailSender(value: string): boolean {
  if (value.length > MAX_EMAIL_SENDER) return false;
  try {
    normaliseEmailAddress(value, ['from']);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

/**
 * The sender a message goes out with (its source_addr): its own `from`, else the default sender
 * (SMPP_DEFAULT_SENDER), an SMS sender id, which never sends an e-mail: the provider fails a mail
 * from an unregistered e-mail sender (err 254), so a mail without `from` goes with none, for the
 * SMSC to use the account's own. The duplicate rule compares messages by this sender too.
 */
export function senderSent(kind: MessageKind, from: string | undefined, defaultSender = ''): string {
  if (from !== undefined) return from;
  return kind === 'mail' ? '' : defaultSender;
}
