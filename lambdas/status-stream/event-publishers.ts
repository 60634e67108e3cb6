import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { awsWords, callRefusal, type EntryOutcome } from '#core/aws/refusal.ts';
import type { InboundMessageReceived } from '#core/domain/events/inbound-message-received.ts';
import { DETAIL_TYPES } from '#core/domain/events/message-status-changed.ts';
import type { Logger } from '#core/observability/logger.ts';
import { putEventsChunks } from './put-events-chunks.ts';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, type MessageStatusChanged } from './status-event.ts';

// Where status events go: EventBridge in AWS; in local mode, when no bus is configured, a log line
// per event or an in-memory list (tests, benchmarks). Each returns one outcome per event: anything
// but true means the event was not taken and its stream record must be retried.

export type Publisher<Detail> = (events: readonly Detail[]) => Promise<EntryOutcome[]>;
export type EventPublisher = Publisher<MessageStatusChanged>;
export type InboundPublisher = Publisher<InboundMessageReceived>;

/** What EventBridge needs besides the detail: its detail-type, and the change's time. */
export interface EventKind<Detail> {
  detailType: string;
  timeOf: (detail: Detail) => string;
}

const STATUS_EVENTS: EventKind<MessageStatusChanged> = {
  detailType: EVENT_DETAIL_TYPE,
  timeOf: (e) => e.at,
};
const INBOUND_EVENTS: EventKind<InboundMessageReceived> = {
  detailType: DETAIL_TYPES.inboundMessageReceived,
  timeOf: (e) => e.receivedAt,
};

/** `resources`: put in every entry; a stack's rules match on them (another stack may share the bus). */
export function eventBridgePublisher(
  client: EventBridgeClient,
  eventBusName: string,
  resources: readonly string[] = [],
): EventPublisher {
  return putEventsPublisher(client, { eventBusName, resources }, STATUS_EVENTS);
}

export function eventBridgeInboundPublisher(
  client: EventBridgeClient,
  eventBusName: string,
  resources: readonly string[] = [],
): InboundPublisher {
  return putEventsPublisher(client, { eventBusName, resources }, INBOUND_EVENTS);
}

/** Where entries go and what names their deployment. */
export interface PutEventsTarget {
  eventBusName: string;
  resources: readonly string[];
}

/** The PutEvents entries of `events`, in order. */
export function putEventsEntries<Detail>(
  events: readonly Detail[],
  target: PutEventsTarget,
  kind: EventKind<Detail>,
): PutEventsRequestEntry[] {
  return events.map((event) => ({
    EventBusName: target.eventBusName,
    Source: EVENT_SOURCE,
    DetailType: kind.detailType,
    Detail: JSON.stringify(event),
    Time: new Date(kind.timeOf(event)),
    ...(target.resources.length > 0 ? { Resources: [...target.resources] } : {}),
  }));
}

function putEventsPublisher<Detail>(
  client: EventBridgeClient,
  target: PutEventsTarget,
  kind: EventKind<Detail>,
): Publisher<Detail> {
  return async (events) => {
    const published: EntryOutcome[] = [];
    // Chunks keep the events' order: the outcomes line up with `events`.
    for (const chunk of putEventsChunks(putEventsEntries(events, target, kind))) {
      published.push(...(await putChunk(client, chunk)));
    }
    return published;
  };
}

async function putChunk(
  client: EventBridgeClient,
  entries: PutEventsRequestEntry[],
): Promise<EntryOutcome[]> {
  try {
    const { Entries = [] } = await client.send(new PutEventsCommand({ Entries: entries }));
    // Result entries are in request order; a failed one carries an ErrorCode instead of an EventId.
    return entries.map((_, index): EntryOutcome => {
      const result = Entries[index];
      if (result?.ErrorCode !== undefined) {
        return { errorCode: result.ErrorCode, reason: awsWords(result.ErrorMessage) };
      }
      if (result?.EventId !== undefined) return true;
      return { errorCode: 'NoEventId', reason: 'PutEvents answered no event id for the entry' };
    });
  } catch (error) {
    // The whole call failed after the SDK's own retries: every event of it is retried by the stream.
    const refusal = callRefusal(error);
    return entries.map(() => refusal);
  }
}

/**
 * Local mode without a bus: one log line per event, recipient left out, and of its error only the
 * code and name (as `tail` shows it): the description may quote the recipient, as written.
 */
export function logPublisher(log: Logger): EventPublisher {
  return async (events) =>
    events.map((event) => {
      const { to: _to, hlr: _hlr, error, ...visible } = event;
      log.info('status event', {
        // `eventSource`, not `source`: the log's redaction masks a field named `source` as an address.
        eventSource: EVENT_SOURCE,
        detailType: EVENT_DETAIL_TYPE,
        ...visible,
        error: error ? { code: error.code, name: error.name } : null,
      });
      return true;
    });
}

/** Local mode without a bus: one log line per incoming message, without its sender or text. */
export function inboundLogPublisher(log: Logger): InboundPublisher {
  return async (events) =>
    events.map((event) => {
      log.info('inbound event', {
        eventSource: EVENT_SOURCE,
        detailType: INBOUND_EVENTS.detailType,
        id: event.id,
        parts: event.parts,
        receivedAt: event.receivedAt,
      });
      return true;
    });
}

export interface MemoryEventSink {
  readonly events: MessageStatusChanged[];
  publish: EventPublisher;
  /** Called for every event as it is taken (benchmarks count without keeping them). */
  onEvent?: (event: MessageStatusChanged) => void;
}

/** Keeps every event (or, with `keep: false`, only calls onEvent), for tests and benchmarks. */
export function memoryEventSink(options: { keep?: boolean } = {}): MemoryEventSink {
  const keep = options.keep ?? true;
  const sink: MemoryEventSink = {
    events: [],
    publish: async (events) =>
      events.map((event) => {
        if (keep) sink.events.push(event);
        sink.onEvent?.(event);
        return true;
      }),
  };
  return sink;
}
