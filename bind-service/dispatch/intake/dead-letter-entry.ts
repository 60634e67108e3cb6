// What an invalid queue message becomes on its dead-letter queue: its body, and the reason as
// message attributes. SQS counts the attributes (name, data type and value) in the message's size,
// and the DLQ's MaximumMessageSize is its queue's (resource-definitions.ts), so a body as large as
// the queue took cannot go with them: SendMessage would be refused at every attempt, and the message
// would go round until retention dropped it, never dead-lettered. Such a body is cut to fit, and the
// entry says how large it was; the reason is what matters on the DLQ, and the body is invalid anyway.

/** The data type the attributes go as (SqsLane.deadLetter). */
const DATA_TYPE = 'String';

/** Marks a cut body: its size in bytes before the cut. */
export const BODY_TRUNCATED_FROM = 'bodyTruncatedFrom';

export interface DeadLetterEntry {
  body: string;
  attributes: Record<string, string>;
}

/** The bytes SQS counts for these attributes (empty values are not sent). */
function attributeBytes(attributes: Record<string, string>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== '') bytes += Buffer.byteLength(name) + DATA_TYPE.length + Buffer.byteLength(value);
  }
  return bytes;
}

/** The longest start of `text` that takes at most `maxBytes` in UTF-8, never half a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  let cut = Buffer.from(text, 'utf8').subarray(0, Math.max(0, maxBytes)).toString('utf8');
  // A character cut in two decodes as U+FFFD (3 bytes): drop it.
  while (Buffer.byteLength(cut) > maxBytes || cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut;
}

/** The entry as sent: whole when it fits in `maxBytes`, else with its body cut and so marked. */
export function deadLetterEntry(
  body: string,
  attributes: Record<string, string>,
  maxBytes: number,
): DeadLetterEntry {
  const bodyBytes = Buffer.byteLength(body);
  if (bodyBytes + attributeBytes(attributes) <= maxBytes) return { body, attributes };
  const marked = { ...attributes, [BODY_TRUNCATED_FROM]: String(bodyBytes) };
  return { body: utf8Prefix(body, maxBytes - attributeBytes(marked)), attributes: marked };
}
