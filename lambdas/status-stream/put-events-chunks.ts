import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { chunksWithin } from '#core/support/chunks.ts';

// EventBridge refuses a whole PutEvents call of more than 10 entries or whose entries add up to 256
// KB or more, before it takes any of them. An incoming message's event carries its whole text (up
// to 255 UCS-2 parts, ~34-51 KB as UTF-8): ten of those in one call were refused at every retry of
// the stream batch, until its records went to the on-failure queue and their events were lost.

export const PUT_EVENTS_MAX_ENTRIES = 10;
/** The request limit, 256 KB, with room for the rounding of the size rule below. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024 - 1;

/** An entry's size as EventBridge counts it ("Calculating PutEvents event entry size"). */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/**
 * The entries in order, cut into calls EventBridge takes: at most 10 entries and under 256 KB each.
 * An entry too large on its own goes alone (refused, its record is retried and reported).
 */
export function putEventsChunks(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  return chunksWithin(
    entries,
    { maxCount: PUT_EVENTS_MAX_ENTRIES, maxBytes: PUT_EVENTS_MAX_BYTES },
    putEventsEntrySize,
  );
}
