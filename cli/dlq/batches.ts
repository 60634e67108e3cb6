import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { chunksWithin } from '#core/support/chunks.ts';

// SendMessageBatch's limits: 10 entries, and SQS refuses the whole call (BatchRequestTooLong) when
// the entries' sizes add up to more than 1 MiB. A dead letter may take its queue's whole 256 KiB (the
// bind-service cuts an invalid body to just fit), so ten of them must go in several calls.

export const MAX_BATCH_ENTRIES = 10;
export const MAX_BATCH_BYTES = 1_048_576;

/** An entry's size as SQS counts it: the body, and each attribute's name, data type and value. */
export function entryBytes(entry: SendMessageBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.MessageBody ?? '');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    if (value.StringValue !== undefined) bytes += Buffer.byteLength(value.StringValue);
    if (value.BinaryValue !== undefined) bytes += value.BinaryValue.byteLength;
  }
  return bytes;
}

/**
 * The entries in order, cut into batches SQS takes. An entry alone over the limit gets a batch of
 * its own: SQS refuses that one entry, not its neighbours.
 */
export function sendBatches<T extends SendMessageBatchRequestEntry>(entries: readonly T[]): T[][] {
  return chunksWithin(entries, { maxCount: MAX_BATCH_ENTRIES, maxBytes: MAX_BATCH_BYTES }, entryBytes);
}
