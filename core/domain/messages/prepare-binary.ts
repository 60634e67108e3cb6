// The binary branch of prepareMessage: `encoding: "binary"` carries 8-bit data (data_coding 4) the
// caller gives in hex as `text`, with an optional user data header (`udh`, hex). Binary is a plain
// SMS: no kind marker, no comment (the provider reads those as text) and no flash class.
import {
  BINARY_DATA_CODING,
  type BinaryContent,
  InvalidBinaryError,
  parseBinary,
  planBinary,
} from '#core/domain/encoding/index.ts';
import { InvalidMessageContentError } from '#core/domain/messages/message-kinds.ts';
import type { SendMessageRequest } from '#core/domain/requests/message-schema.ts';

export interface PreparedBinary {
  binary: BinaryContent;
  dataCoding: number;
  parts: number;
  units: number;
}

export function prepareBinary(request: SendMessageRequest, maxParts: number): PreparedBinary {
  if (request.kind !== 'sms') {
    throw new InvalidMessageContentError(
      `A ${request.kind} message is text; binary goes as kind "sms"`,
      'kind',
    );
  }
  for (const field of ['subject', 'voice', 'bot', 'comment'] as const) {
    if (request[field] !== undefined) {
      throw new InvalidMessageContentError(`"${field}" does not apply to a binary message`, field);
    }
  }
  const binary = parseBinary(request.text ?? '', request.udh);
  const plan = planBinary(binary, maxParts);
  return { binary, dataCoding: BINARY_DATA_CODING, parts: plan.parts, units: plan.units };
}

/** A UDH without binary data would be read as text octets: refused rather than guessed. */
export function refuseStrayUdh(request: SendMessageRequest): void {
  if (request.udh !== undefined) {
    throw new InvalidBinaryError('"udh" applies only to "encoding": "binary"', ['udh']);
  }
}
