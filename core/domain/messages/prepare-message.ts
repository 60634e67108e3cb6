import {
  type EncodeOptions,
  type Encoding,
  planMessage,
  UnencodableTextError,
} from '#core/domain/encoding/index.ts';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import { renderMessage } from '#core/domain/messages/message-kinds.ts';
import {
  DEFAULT_VALIDITY_MINUTES,
  type Priority,
  type SendMessageRequest,
} from '#core/domain/requests/message-schema.ts';
import { normaliseRecipient } from '#core/domain/requests/recipient.ts';

// The API (to answer 202 with the encoding and part count, and to record the message) and the
// bind-service (to build the SUBMIT_SM) both call this one function on the same request, so they
// cannot disagree about the recipient, the text sent, its encoding or its parts, given the same
// options. Every refusal is a DomainError with a `code` and the `path` of the field at fault.

export interface PrepareOptions {
  /** The bind's system_type carries ISO: data_coding 0 means ISO-8859-1, GSM 7-bit is unavailable. */
  isoMode: boolean;
  /** The most parts a message may take (the provider wants all parts within a minute). */
  maxParts: number;
}

export interface PreparedMessage {
  /** E.164 phone number, or an e-mail address for mail. */
  to: string;
  from?: string;
  kind: MessageKind;
  /** The short_message text: the kind's marker, the caller's fields and the comment. */
  body: string;
  flash: boolean;
  encoding: Encoding;
  dataCoding: number;
  parts: number;
  /** GSM septets, Latin-1 bytes or UTF-16 units of `body`. */
  units: number;
  /** Exactly what to hand `encodeMessage(body, …)` to get the parts counted here. */
  encodeOptions: EncodeOptions;
  validityMinutes: number;
  priority: Priority;
}

export function prepareMessage(request: SendMessageRequest, options: PrepareOptions): PreparedMessage {
  const to = normaliseRecipient(request.to, request.kind);
  const rendered = renderMessage({
    kind: request.kind,
    text: request.text,
    subject: request.subject,
    voice: request.voice,
    bot: request.bot,
    comment: request.comment,
  });
  const planOptions: EncodeOptions = {
    encoding: request.encoding,
    isoMode: options.isoMode,
    flash: rendered.flash,
    maxParts: options.maxParts,
  };
  const plan = planWithFieldPaths(rendered.text, planOptions, request.text);
  return {
    to,
    ...(request.from === undefined ? {} : { from: request.from }),
    kind: request.kind,
    body: rendered.text,
    flash: rendered.flash,
    encoding: plan.encoding,
    dataCoding: plan.dataCoding,
    parts: plan.parts,
    units: plan.units,
    // The chosen encoding, not 'auto': the sender must not choose again under other rules.
    encodeOptions: { ...planOptions, encoding: plan.encoding },
    validityMinutes: request.validityMinutes ?? DEFAULT_VALIDITY_MINUTES,
    priority: request.priority,
  };
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
