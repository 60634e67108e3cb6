import {
  type BinaryContent,
  type EncodeOptions,
  type MessageEncoding,
  planMessage,
  TooManyPartsError,
  UnencodableTextError,
} from '#core/domain/encoding/index.ts';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import { COMMENT_SEPARATOR, renderMessage } from '#core/domain/messages/message-kinds.ts';
import { isLoopbackUrl, LoopbackCallbackError } from '#core/domain/requests/loopback-url.ts';
import {
  DEFAULT_VALIDITY_MINUTES,
  type Priority,
  type SendMessageRequest,
} from '#core/domain/requests/message-schema.ts';
import { normaliseRecipient } from '#core/domain/requests/recipient.ts';
import { CommentTooLongError, UnencodableCommentError } from './comment-errors.ts';
import { prepareBinary, refuseStrayUdh } from './prepare-binary.ts';

// The API (to answer 202 with the encoding and part count, and to record the message) and the
// bind-service (to build the SUBMIT_SM) both call this one function on the same request, so they
// cannot disagree about the recipient, the text sent, its encoding or its parts, given the same
// options. Every refusal is a DomainError with a `code` and the `path` of the field at fault.

export interface PrepareOptions {
  /** The bind's system_type carries ISO: data_coding 0 means ISO-8859-1, GSM 7-bit is unavailable. */
  isoMode: boolean;
  /** The most parts a message may take (the provider wants all parts within a minute). */
  maxParts: number;
  /**
   * Refuse a loopback callback URL: the API in AWS, whose callbacks Lambda never calls one (local
   * mode does). Unset where a message was accepted already (the bind-service).
   */
  refuseLoopbackCallbacks?: boolean;
}

export interface PreparedMessage {
  /** E.164 phone number, or an e-mail address for mail. */
  to: string;
  from?: string;
  kind: MessageKind;
  /** The short_message text: the kind's marker, the caller's fields and the comment. */
  body: string;
  flash: boolean;
  /** Chosen on what the subscriber gets (body without the comment): the comment never changes it. */
  encoding: MessageEncoding;
  dataCoding: number;
  /** SMS the subscriber gets and the provider bills: counted without the comment (provider doc). */
  parts: number;
  /** GSM septets, Latin-1 bytes or UTF-16 units of the body without the comment. */
  units: number;
  /** SUBMIT_SMs the body takes on the wire, comment included: `parts` or more. */
  wireParts: number;
  /** Exactly what to hand `encodeMessage(body, …)` to get `wireParts` parts. */
  encodeOptions: EncodeOptions;
  /** Binary messages only: the octets to send instead of encoding `body`. */
  binary?: BinaryContent;
  validityMinutes: number;
  priority: Priority;
}

export function prepareMessage(request: SendMessageRequest, options: PrepareOptions): PreparedMessage {
  if (
    options.refuseLoopbackCallbacks &&
    request.callbackUrl !== undefined &&
    isLoopbackUrl(request.callbackUrl)
  ) {
    throw new LoopbackCallbackError();
  }
  const to = normaliseRecipient(request.to, request.kind);
  const common = {
    to,
    ...(request.from === undefined ? {} : { from: request.from }),
    kind: request.kind,
    validityMinutes: request.validityMinutes ?? DEFAULT_VALIDITY_MINUTES,
    priority: request.priority,
  };
  if (request.encoding === 'binary') {
    const prepared = prepareBinary(request, options.maxParts);
    return {
      ...common,
      body: request.text ?? '',
      flash: false,
      encoding: 'binary',
      dataCoding: prepared.dataCoding,
      parts: prepared.parts,
      units: prepared.units,
      wireParts: prepared.parts,
      encodeOptions: { maxParts: options.maxParts },
      binary: prepared.binary,
    };
  }
  refuseStrayUdh(request);
  const encoding = request.encoding;
  const rendered = renderMessage({
    kind: request.kind,
    text: request.text,
    subject: request.subject,
    voice: request.voice,
    bot: request.bot,
    comment: request.comment,
  });
  const planOptions: EncodeOptions = {
    encoding,
    isoMode: options.isoMode,
    flash: rendered.flash,
    maxParts: options.maxParts,
  };
  const at = rendered.text.indexOf(COMMENT_SEPARATOR);
  // renderMessage guarantees the first separator is ours, so what precedes it is what is sent on.
  const subscriberText = at < 0 ? rendered.text : rendered.text.slice(0, at);
  const plan = planWithFieldPaths(subscriberText, planOptions, request.text);
  const wire = at < 0 ? plan : planComment(rendered.text, at, { ...planOptions, encoding: plan.encoding });
  return {
    ...common,
    body: rendered.text,
    flash: rendered.flash,
    encoding: plan.encoding,
    dataCoding: plan.dataCoding,
    parts: plan.parts,
    units: plan.units,
    wireParts: wire.parts,
    // The chosen encoding, not 'auto': the sender must not choose again under other rules. The cap
    // was checked on the text; the comment may add SUBMIT_SMs up to what the UDH can count.
    encodeOptions: { ...planOptions, encoding: plan.encoding, maxParts: MAX_WIRE_PARTS },
  };
}

/** The UDH counts parts in one octet. */
const MAX_WIRE_PARTS = 255;

/**
 * The whole body in the text's encoding. A comment character that encoding cannot carry is refused
 * rather than turning the whole message into UCS-2 (which would change its price and part count).
 */
function planComment(body: string, separatorAt: number, options: EncodeOptions) {
  try {
    return planMessage(body, { ...options, maxParts: MAX_WIRE_PARTS });
  } catch (error) {
    const commentStart = separatorAt + COMMENT_SEPARATOR.length;
    if (error instanceof UnencodableTextError && error.index >= commentStart) {
      throw new UnencodableCommentError(body.slice(commentStart), error.index - commentStart, error.encoding);
    }
    if (error instanceof TooManyPartsError) throw new CommentTooLongError(error.parts, MAX_WIRE_PARTS);
    throw error;
  }
}

function planWithFieldPaths(body: string, options: EncodeOptions, text: string | undefined) {
  try {
    return planMessage(body, options);
  } catch (error) {
    // 'auto' can encode any text, so an unencodable character means the caller forced an encoding
    // that cannot carry it: the fault is the `encoding` field (the text is fine as it is). The index
    // is given in the caller's text when the character is there, not in the marked-up body.
    if (error instanceof UnencodableTextError) {
      const index = text?.indexOf(error.character) ?? -1;
      throw index >= 0
        ? new UnencodableTextError(text ?? '', index, error.encoding, ['encoding'])
        : new UnencodableTextError(body, error.index, error.encoding, ['encoding']);
    }
    // TooManyPartsError keeps ['text'] and EncodingUnavailableError ['encoding'], as thrown.
    throw error;
  }
}
