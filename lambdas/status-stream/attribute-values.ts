import type { StreamAttributeValue, StreamImage } from './stream-event.ts';

// Stream images arrive as typed attribute values ({ "S": "..." }); the item mapping in core/aws reads
// plain values. A small converter instead of @aws-sdk/util-dynamodb, which is not a direct dependency:
// numbers become JS numbers (every number in our items is an integer well inside 2^53: TTLs, counts,
// codes), binary values Buffers.

export function fromStreamImage(image: StreamImage): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, fromAttributeValue(value)]));
}

export function fromAttributeValue(value: StreamAttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromStreamImage(value.M);
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.B !== undefined) return Buffer.from(value.B, 'base64');
  if (value.BS !== undefined) return new Set(value.BS.map((b) => Buffer.from(b, 'base64')));
  // An attribute type DynamoDB may add later: kept out rather than guessed at.
  return undefined;
}
