import { randomUUID } from 'node:crypto';
import type { EventBridgeEnvelope } from '#core/domain/events/envelope.ts';
import type { InboundMessageReceived } from '#core/domain/events/inbound-message-received.ts';
import {
  DETAIL_TYPES,
  EVENT_SOURCE,
  type MessageStatusChanged,
} from '#core/domain/events/message-status-changed.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { Publisher } from '#lambdas/status-stream/event-publishers.ts';

// EVENTS_URL (local mode): every event the stack emits is also POSTed to a local HTTP endpoint,
// wrapped as EventBridge hands it to a rule's target, so a consumer can be developed against
// `npm start`. A consumer's failure is its own: it is logged and never fails or delays the stream
// record (the events still go to the stack's own publisher), so the poller keeps going.

/** Locally there is no AWS account: the envelope says so with twelve zeros. */
export const LOCAL_ACCOUNT = '000000000000';
const FORWARD_TIMEOUT_MS = 2_000;

/** The detail-type of a kind of detail, and the time EventBridge would stamp on it. */
export interface EnvelopeKind<Detail> {
  detailType: string;
  timeOf: (detail: Detail) => string;
}

export const STATUS_KIND: EnvelopeKind<MessageStatusChanged> = {
  detailType: DETAIL_TYPES.messageStatusChanged,
  timeOf: (detail) => detail.at,
};
export const INBOUND_KIND: EnvelopeKind<InboundMessageReceived> = {
  detailType: DETAIL_TYPES.inboundMessageReceived,
  timeOf: (detail) => detail.receivedAt,
};

export function toEnvelope<Detail>(
  detail: Detail,
  kind: EnvelopeKind<Detail>,
  where: { region: string; account?: string; resources?: readonly string[] },
): EventBridgeEnvelope<Detail> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': kind.detailType,
    source: EVENT_SOURCE,
    account: where.account ?? LOCAL_ACCOUNT,
    // EventBridge writes `time` to the second (the publisher sets it from the detail's time).
    time: new Date(kind.timeOf(detail)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [...(where.resources ?? [])],
    detail,
  };
}

/** EVENTS_URL's value checked at start, so a typo stops `npm start` naming the variable. */
export function eventsUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : '';
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(`EVENTS_URL must be an http(s) URL, got "${value}"`);
  }
  return value;
}

export interface ForwarderOptions {
  url: string;
  region: string;
  log: Logger;
  timeoutMs?: number;
}

/**
 * `primary` with each event it took also POSTed to `url`. Events it did not take are not forwarded:
 * their records are retried, and forwarded then. The answer is always `primary`'s.
 */
export function forwardingPublisher<Detail extends { id: string }>(
  primary: Publisher<Detail>,
  kind: EnvelopeKind<Detail>,
  options: ForwarderOptions,
): Publisher<Detail> {
  return async (events) => {
    const taken = await primary(events);
    const forwarded = events.filter((_, index) => taken[index] === true);
    await Promise.all(forwarded.map((detail) => forward(toEnvelope(detail, kind, options), options)));
    return taken;
  };
}

async function forward(
  envelope: EventBridgeEnvelope<{ id: string }>,
  options: ForwarderOptions,
): Promise<void> {
  let failure: string | undefined;
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(options.timeoutMs ?? FORWARD_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) failure = `answered ${response.status}`;
  } catch (error) {
    failure = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not connect';
  }
  if (failure !== undefined) {
    options.log.warn('event not forwarded to EVENTS_URL', {
      id: envelope.detail.id,
      detailType: envelope['detail-type'],
      target: new URL(options.url).origin,
      reason: failure,
    });
  }
}
