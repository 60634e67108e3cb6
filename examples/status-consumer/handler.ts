import type { EventBridgeEnvelope } from '#core/domain/events/envelope.ts';
import { dedupeKey, type MessageStatusChanged } from '#core/domain/events/message-status-changed.ts';

// An example consumer (docs/events.md): a Lambda that an EventBridge rule from `sender.onStatus`
// invokes with `delivered` and `undelivered` events. Delivery is at least once and unordered, so it
// keys its work on dedupeKey (message id + status + sequence) and ignores fields it does not know.

export type StatusEvent = EventBridgeEnvelope<MessageStatusChanged>;

/** What this consumer would act on; a real one writes it to its own store, conditionally on the key. */
export interface StatusNote {
  key: string;
  messageId: string;
  delivered: boolean;
  clientRef: string | null;
  reason: string | null;
}

export function noteOf(event: StatusEvent): StatusNote | undefined {
  const detail = event.detail;
  // A version this code was not written for: leave it rather than guess (a new rule can take it).
  if (detail.schemaVersion !== 1) return undefined;
  if (detail.status !== 'delivered' && detail.status !== 'undelivered') return undefined;
  // `read` or `clicked` raised on a message already delivered: the rule's `statuses` match it too
  // (same status, a higher sequence, so a dedupe key of its own), but it is no second delivery.
  if (detail.status === detail.previousStatus) return undefined;
  return {
    key: dedupeKey(detail),
    messageId: detail.id,
    delivered: detail.status === 'delivered',
    clientRef: detail.clientRef,
    reason: detail.error?.name ?? null,
  };
}

export const handler = async (event: StatusEvent): Promise<void> => {
  const note = noteOf(event);
  // The recipient (`detail.to`) is personal data: it is not logged.
  console.log(
    JSON.stringify(note ? { msg: 'status noted', ...note } : { msg: 'status skipped', id: event.id }),
  );
};
