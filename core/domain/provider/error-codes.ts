// The provider's catalog of `err` values found in delivery receipts (DELIVER_SM text and the
// network_error_code TLV). SMS and HLR share one table; e-mail has its own, where the same number can
// mean something else (1 is "no such subscriber" for SMS, "no such mailbox" for e-mail).
//
// `retryable` answers one question: can sending the same message again later succeed? It is true
// where the cause passes by itself or by routine account upkeep (offline phone, full queue, busy
// line, daily limit, balance top-up) and false where the recipient, the content, the sender or our
// own configuration is at fault and must change first.
export interface DeliveryErrorInfo {
  code: number;
  name: string;
  description: string;
  retryable: boolean;
}

export type DeliveryChannel = 'sms' | 'mail';

const info = (code: number, name: string, retryable: boolean, description: string): DeliveryErrorInfo =>
  Object.freeze({ code, name, description, retryable });

export const SMS_ERROR_CODES: readonly DeliveryErrorInfo[] = Object.freeze([
  info(0, 'No error', false, 'The subscriber exists and is available.'),
  info(1, 'The subscriber does not exist', false, 'The phone number does not exist.'),
  info(6, 'Subscriber is offline', true, 'The phone is switched off or out of network coverage.'),
  // Roaming without SMS, a landline, a missing service: none of these clears within a retry window.
  info(
    11,
    'The service is not connected',
    false,
    'The subscriber cannot receive SMS: the service is not connected, roaming does not allow it, or the number is a landline.',
  ),
  // Mostly a full SIM/phone memory or a handset glitch, which the subscriber clears by using the phone.
  info(
    12,
    "Error in the subscriber's phone",
    true,
    "The message cannot be delivered because of an error in the subscriber's phone or SIM card.",
  ),
  info(
    13,
    'Subscriber is blocked',
    false,
    'The subscriber is blocked by the operator or by themselves, for non-payment, a damaged SIM or wrong PIN/PUK codes.',
  ),
  info(21, 'No support for the service', false, "The subscriber's device does not support this service."),
  info(
    200,
    'Virtual sending',
    false,
    'The message was sent in test mode: nothing was sent and nothing charged.',
  ),
  // The block from alphanumeric senders after a SIM swap lifts after 24 hours.
  info(
    219,
    'SIM card replacement',
    true,
    'The subscriber replaced the SIM card and is blocked from alphanumeric senders for 24 hours.',
  ),
  info(
    220,
    'Queue overflowed from operator',
    true,
    "The operator's message queue for this subscriber (or its whole queue) overflowed.",
  ),
  info(
    224,
    'Insufficient funds',
    true,
    "The client's account does not have enough money to send the message.",
  ),
  info(
    237,
    'The caller is not responding',
    true,
    'The subscriber did not pick up the phone during the call.',
  ),
  info(
    238,
    'No template',
    false,
    'Only messages matching an approved template may be sent, and this one does not match.',
  ),
  // Our egress IP is fixed: if it is not whitelisted, every retry fails until the settings change.
  info(
    239,
    'Forbidden IP address',
    false,
    "The message was sent from an IP address not in the client's list of allowed addresses.",
  ),
  info(240, 'Subscriber is busy', true, 'The line was busy or the subscriber declined the voice call.'),
  // For SMS this is a long message of which not all parts reached the operator: resending whole helps.
  info(
    241,
    'Conversion error',
    true,
    'Converting the text or audio for a voice call failed, or not all parts of a long SMS reached the operator.',
  ),
  info(
    242,
    'Recorded answering machine',
    true,
    'An answering machine, not the subscriber, took the voice call.',
  ),
  info(243, 'No contract', false, 'Mass or advertising mailings need a signed contract.'),
  info(
    244,
    'Mailing is prohibited',
    false,
    'Mass and advertising mailings are prohibited for this client, or the text contains a prohibited link.',
  ),
  // Retrying may deliver a second copy: the first one may have arrived without a status.
  info(
    245,
    'Status is not received',
    true,
    'No delivery status came from the operator within a day; whether the message arrived is unknown.',
  ),
  // The allowed sending hours come round again; a later send inside them is accepted.
  info(
    246,
    'Time limit',
    true,
    "The message was sent outside the sending hours allowed in the client's settings.",
  ),
  info(247, 'Limit exceeded messages', true, "The client's total daily message limit is exceeded."),
  info(248, 'No route', false, 'The service has no route to this number, e.g. a non-existent mobile code.'),
  info(
    249,
    'Invalid number format',
    false,
    'The mobile code or the number length that goes with it is wrong.',
  ),
  info(
    250,
    'Telephone number is forbidden by settings',
    false,
    "The number falls under the restrictions in the client's settings.",
  ),
  // Both the per-number daily limit and the 50-messages-30-seconds flood guard clear with time.
  info(
    251,
    'Limit is exceeded on a single number',
    true,
    'The daily limit for this number is exceeded, or more than 50 messages went to it less than 30 s apart.',
  ),
  info(
    252,
    'Number not permitted',
    false,
    "The number may not receive messages, e.g. one of the provider's own.",
  ),
  info(
    253,
    'Prohibited by spam filter',
    false,
    'The text or the sender name contains prohibited content, so sending was blocked.',
  ),
  info(254, 'Unregistered sender ID', false, 'The sender name is not registered.'),
  // No reason given: a blind resend usually meets the same refusal and is billed again.
  info(
    255,
    'Rejected by operator',
    false,
    'The operator rejected the message without an exact reason, e.g. the number belongs to no operator.',
  ),
]);

export const MAIL_ERROR_CODES: readonly DeliveryErrorInfo[] = Object.freeze([
  info(0, 'No error', false, 'The recipient exists and is available.'),
  info(1, 'Recipient does not exist', false, 'The e-mail address does not exist.'),
  info(2, 'Crowded inbox', true, "The recipient's mailbox is full and its mail server refused the message."),
  info(3, 'Recipient server was not found', false, "The recipient's mail domain was not found."),
  info(
    4,
    'Mailbox is locked',
    false,
    "The recipient's mail server refused the message because the mailbox is blocked.",
  ),
  info(
    239,
    'Forbidden IP address',
    false,
    "The message was sent from an IP address not in the client's list of allowed addresses.",
  ),
  info(
    245,
    'Status is not received',
    true,
    "No delivery status came from the recipient's mail server within a day; whether it arrived is unknown.",
  ),
  info(248, 'No route', false, 'The service has no route to this e-mail address.'),
  info(249, 'Invalid format', false, 'The e-mail address is malformed.'),
  info(
    252,
    'E-mail address is prohibited',
    false,
    'The e-mail address is not allowed, e.g. it is blacklisted.',
  ),
  info(
    253,
    'Prohibited by spam filter',
    false,
    'The text or the sender address contains prohibited content, so sending was blocked.',
  ),
  info(254, 'Unregistered sender', false, "The sender's e-mail address is not registered."),
  info(
    255,
    'Rejected by the recipient server',
    false,
    "The recipient's mail server rejected the message without an exact reason.",
  ),
]);

const BY_CHANNEL: Readonly<Record<DeliveryChannel, ReadonlyMap<number, DeliveryErrorInfo>>> = {
  sms: new Map(SMS_ERROR_CODES.map((entry) => [entry.code, entry])),
  mail: new Map(MAIL_ERROR_CODES.map((entry) => [entry.code, entry])),
};

export function describeDeliveryError(code: number, channel: DeliveryChannel = 'sms'): DeliveryErrorInfo {
  return (
    BY_CHANNEL[channel].get(code) ?? {
      code,
      name: 'Unknown error',
      description: `Error code ${code} is not in the provider's catalog`,
      retryable: false,
    }
  );
}
