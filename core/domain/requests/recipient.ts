import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import { RecipientTooLongError, SMPP_ADDRESS_MAX_CHARS } from '#core/domain/provider/smpp-limits.ts';
import { normaliseEmailAddress } from '#core/domain/requests/email-address.ts';
import { normalisePhoneNumber } from '#core/domain/requests/phone-number.ts';

// Who a message of each kind can be addressed to:
// - mail: an e-mail address (the provider mails it); a phone number is refused rather than guessed,
//   and so is an address longer than SMPP's destination_addr can carry (20 characters).
// - call: any phone number that can ring, mobile or fixed line: voice calls reach landlines.
// - every other kind (sms, flash, viber, soc, tgm, bot, hlr, ping): a mobile number. SMS does not
//   reach landlines, messenger accounts hang on mobile numbers, and HLR/ping query a mobile network.

/** The recipient in the one form we store and send: E.164 for phones, trimmed for e-mail. */
export function normaliseRecipient(
  to: string,
  kind: MessageKind,
  path: readonly (string | number)[] = ['to'],
): string {
  if (kind === 'mail') {
    const address = normaliseEmailAddress(to, path);
    if (address.length > SMPP_ADDRESS_MAX_CHARS) throw new RecipientTooLongError(address.length, path);
    return address;
  }
  return normalisePhoneNumber(to, { allowFixedLine: kind === 'call', path });
}
