import { z } from 'zod';
import { ACCOUNT_NAME, ACCOUNT_NAME_RULE } from '#core/domain/accounts/account-schema.ts';
import { DomainError } from '#core/domain/errors.ts';
import { isBatchId, isMessageId } from '#core/domain/messages/message-id.ts';
import { KINDS_WITHOUT_TEXT, MESSAGE_KINDS, type MessageKind } from '#core/domain/messages/message-kinds.ts';
import { normaliseEmailAddress } from '#core/domain/requests/email-address.ts';
import { isInternalAddress, isLoopbackHost } from '#core/domain/requests/loopback-url.ts';
import { parsePhoneNumber } from '#core/domain/requests/phone-number.ts';
import { normaliseRecipient } from '#core/domain/requests/recipient.ts';
import {
  EMAIL_SENDER_RULE,
  isEmailSender,
  isValidEmailSender,
  isValidSenderId,
  SENDER_ID_RULE,
} from '#core/domain/requests/sender-id.ts';
import { checkCharacters } from '#core/domain/requests/text-characters.ts';
import { addDomainIssue } from '#core/domain/requests/validation-issues.ts';
import {
  ENCODING_CHOICES,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  PRIORITIES,
  type Priority,
} from './request-options.ts';

// One schema for a send request, whether it comes as the HTTP body or as an SQS message body, so that
// the API and the bind-service accept exactly the same things. It checks shape and limits and
// normalises the recipient; what depends on the kind's own rules and on the encoding (markers, parts)
// is `prepareMessage`'s job, which both sides also share.

// Kept in a module of their own, without zod or the phone-number metadata, for the typed client and
// the CLI, which only need these; exported here too for the modules that read requests.
export {
  ENCODING_CHOICES,
  IDEMPOTENCY_KEY_PATTERN,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  PRIORITIES,
  type Priority,
} from './request-options.ts';
/** A binary message's own user data header, hex: at most 134 octets leave room for data. */
export const MAX_UDH_HEX_LENGTH = 268;

/** A cheap bound on the caller's text; the real limit on what is sent is `prepareMessage`'s maxParts. */
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_COMMENT_LENGTH = 1000;
export const MAX_CLIENT_REF_LENGTH = 128;
export const MAX_CALLBACK_URL_LENGTH = 2048;
/** The provider's example bind setting (validityperiod = 1440), applied when a request gives none. */
export const DEFAULT_VALIDITY_MINUTES = 1440;
/** Three days: our product limit (the provider document states no maximum). */
export const MAX_VALIDITY_MINUTES = 4320;

/** An SMS sender id, or an e-mail address (whether the kind takes it is checked with the kind). */
const senderIdField = z.string().refine((value) => isValidSenderId(value) || isEmailSender(value), {
  error: `${SENDER_ID_RULE}; or ${EMAIL_SENDER_RULE}`,
  params: { code: 'invalid_format' },
});

/** Which account sends it (an entry of SMPP_ACCOUNTS); whether one has that name is checked later. */
const accountField = z.string().refine((value) => ACCOUNT_NAME.test(value), {
  error: ACCOUNT_NAME_RULE,
  params: { code: 'invalid_format' },
});

export { isLoopbackUrl } from '#core/domain/requests/loopback-url.ts';

function callbackUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be an absolute https URL';
  const url = new URL(value);
  // Credentials in a URL end up in logs and in the DynamoDB stream; callbacks are signed instead.
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  const loopback = isLoopbackHost(url.hostname);
  // The callbacks Lambda never calls these (callbackTargetProblem); loopback is for local mode.
  if (!loopback && isInternalAddress(url.hostname)) return 'must not name a loopback or link-local address';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && loopback) return undefined;
  return 'must be an https URL (http is accepted only for localhost, in local mode)';
}

/** The API's check of a callbackUrl (an invalid queue message's record keeps one that passes it). */
export const callbackUrlField = freeText()
  .max(MAX_CALLBACK_URL_LENGTH)
  .superRefine((value, ctx) => {
    const problem = callbackUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'invalid_url' } });
  });

/**
 * A valid phone number of any type (to E.164) or e-mail address, whatever the kind: checked per field
 * so that a bad recipient is reported together with other bad fields. Whether it suits the kind is
 * checked on the whole request (`checkRecipientForKind`).
 */
export const recipientField = z
  .string()
  .max(254)
  .transform((value, ctx) => {
    try {
      return value.includes('@') ? normaliseEmailAddress(value, []) : parsePhoneNumber(value, []).e164;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      addDomainIssue(ctx, error);
      return z.NEVER;
    }
  });

/**
 * A string field refusing characters that no SMS carries or that SQS refuses (text-characters.ts),
 * so that the API answers 400 naming the position, and a queue message carrying one is rejected.
 */
function freeText() {
  return z.string().check(z.superRefine(checkCharacters));
}

/**
 * Free text that goes to the recipient, in its composed form (Unicode NFC, canonically the same
 * text): macOS/iOS input and many copy-pastes write an accent as its letter and a combining mark,
 * which no GSM table holds, so "é" typed that way sent the whole text as UCS-2, in twice the parts.
 */
function sentText() {
  return freeText().normalize('NFC');
}

/** The fields a send request has besides its recipient(s); batches share them. */
export function contentFields(defaultPriority: Priority) {
  return {
    text: sentText().min(1).max(MAX_TEXT_LENGTH).optional(),
    from: senderIdField.optional(),
    kind: z.enum(MESSAGE_KINDS).default('sms'),
    subject: sentText().min(1).max(255).optional(),
    voice: freeText().min(1).max(16).optional(),
    bot: freeText().min(1).max(64).optional(),
    comment: sentText().max(MAX_COMMENT_LENGTH).optional(),
    priority: z.enum(PRIORITIES).default(defaultPriority),
    encoding: z.enum(ENCODING_CHOICES).default('auto'),
    udh: z.string().min(2).max(MAX_UDH_HEX_LENGTH).optional(),
    validityMinutes: z.int().min(1).max(MAX_VALIDITY_MINUTES).optional(),
    clientRef: freeText().min(1).max(MAX_CLIENT_REF_LENGTH).optional(),
    callbackUrl: callbackUrlField.optional(),
    account: accountField.optional(),
  };
}

interface RequestCore {
  kind: MessageKind;
  text?: string | undefined;
  from?: string | undefined;
  bot?: string | undefined;
  subject?: string | undefined;
}

/**
 * An e-mail sender (the provider's registered address) goes with kind "mail" only, and a mail goes
 * from one only: the provider fails a mail from anything else (err 254, "unregistered sender").
 */
export function checkSenderForKind(request: RequestCore, ctx: z.RefinementCtx): void {
  const { from, kind } = request;
  if (from === undefined) return;
  const email = isEmailSender(from);
  if (!email && kind !== 'mail') return;
  let problem: string | undefined;
  if (!email) problem = `must be ${EMAIL_SENDER_RULE}, not an SMS sender id`;
  else if (kind !== 'mail') problem = `an e-mail address is a sender for kind "mail" only, not "${kind}"`;
  else if (!isValidEmailSender(from)) problem = `must be ${EMAIL_SENDER_RULE}`;
  if (problem)
    ctx.addIssue({ code: 'custom', path: ['from'], message: problem, params: { code: 'invalid_format' } });
}

/**
 * The fields a kind needs: a text unless the kind has none, the bot of a bot message, the subject of
 * an e-mail. Reported here so a missing one reads "required", as a missing `to` does; their formats
 * are prepareMessage's checks.
 */
export function checkRequiredForKind(
  request: RequestCore,
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
): void {
  const required = (field: 'text' | 'bot' | 'subject') =>
    ctx.addIssue({
      code: 'custom',
      path: [...path, field],
      message: `is required for kind "${request.kind}"`,
      params: { code: 'required' },
    });
  if (request.text === undefined && !KINDS_WITHOUT_TEXT.includes(request.kind)) required('text');
  if (request.kind === 'bot' && request.bot === undefined) required('bot');
  if (request.kind === 'mail' && request.subject === undefined) required('subject');
}

/** The recipient suits the kind: an e-mail address for mail, a mobile number (or landline for calls). */
export function checkRecipientForKind(
  to: string,
  kind: MessageKind,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  try {
    normaliseRecipient(to, kind, path);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    addDomainIssue(ctx, error);
  }
}

function checkRequest(request: RequestCore & { to: string }, ctx: z.RefinementCtx): void {
  checkRequiredForKind(request, ctx);
  checkSenderForKind(request, ctx);
  checkRecipientForKind(request.to, request.kind, ctx, ['to']);
}

/** One message for one recipient; `defaultPriority` is urgent for single sends, bulk in batches. */
export function sendMessageObject(defaultPriority: Priority) {
  return z.strictObject({ to: recipientField, ...contentFields(defaultPriority) }).superRefine(checkRequest);
}

/** The body of POST /messages. */
export const sendMessageSchema = sendMessageObject('urgent');

/**
 * An SQS message body: the same fields plus the envelope. Published by our API (with the id it already
 * recorded) or straight by other services (no id: the consumer records one). `v` is required so a
 * future format can be told apart; priority defaults to urgent like a single send, but the lane is the
 * queue the message was read from.
 */
export const queueMessageSchema = z
  .strictObject({
    v: z.literal(1),
    id: z
      .string()
      .refine(isMessageId, { error: 'must be a message id', params: { code: 'invalid_format' } })
      .optional(),
    batchId: z
      .string()
      .refine(isBatchId, { error: 'must be a batch id', params: { code: 'invalid_format' } })
      .optional(),
    idempotencyKey: z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).optional(),
    // When the message was accepted, its validity counted from then (the earlier of it and SQS's
    // SentTimestamp): an id without time (derived from a key) says nothing, and a copy the sweeper
    // enqueues again is sent now, not when the message was accepted.
    acceptedAt: z.iso.datetime({ offset: true }).optional(),
    to: recipientField,
    ...contentFields('urgent'),
  })
  .superRefine(checkRequest);

export type SendMessageRequest = z.output<typeof sendMessageSchema>;
export type SendMessageInput = z.input<typeof sendMessageSchema>;
export type QueueMessage = z.output<typeof queueMessageSchema>;
export type QueueMessageInput = z.input<typeof queueMessageSchema>;
