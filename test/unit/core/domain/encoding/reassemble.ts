import { decodeText, type EncodedMessage, splitUdh } from '#core/domain/encoding/index.ts';

/** What a receiver does: strip each part's UDH, join the payloads in order, decode. */
export function reassemble(encoded: EncodedMessage, options: { isoMode?: boolean } = {}): string {
  const payloads = encoded.parts.map((part) => splitUdh(part, encoded.esmClass).payload);
  return decodeText(Buffer.concat(payloads), encoded.dataCoding, options);
}

export function payloadLengths(encoded: EncodedMessage): number[] {
  return encoded.parts.map((part) => splitUdh(part, encoded.esmClass).payload.length);
}
