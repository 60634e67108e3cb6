import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { CallbackEnqueuer } from '#core/aws/queues/callback-job.ts';
import type { Env } from '#core/config/load-env.ts';
import { VAR } from '#core/config/variables.ts';
import type { Logger } from '#core/observability/logger.ts';
import {
  type EventPublisher,
  eventBridgeInboundPublisher,
  eventBridgePublisher,
  inboundLogPublisher,
  logPublisher,
} from '#lambdas/status-stream/event-publishers.ts';
import { handleStreamRecords, type StatusStreamPorts } from '#lambdas/status-stream/handle-records.ts';
import type { DynamoDbStreamRecord } from '#lambdas/status-stream/stream-event.ts';
import { createEventFeed } from '#local/event-feed.ts';
import { LOCAL_REGION } from '#local/resources.ts';
import {
  eventsUrl,
  forwardingPublisher,
  INBOUND_KIND,
  STATUS_KIND,
} from '#local/streams/events-forwarder.ts';

// The status Lambda's handler with local ports, fed by the stream pollers of both tables: events go
// to a configured EventBridge bus (with the developer's own AWS credentials), else to the given sink
// or a log line; with EVENTS_URL each is also POSTed there in the EventBridge envelope.

export interface StatusHandlerParts {
  events: EventPublisher | undefined;
  enqueue: CallbackEnqueuer;
  log: Logger;
}

export function statusHandler(env: Env, { events, enqueue, log }: StatusHandlerParts) {
  // The local API's live feed of status events (`GET /local/events`, the CLI's `tail`).
  const feed = createEventFeed();
  const busName = env[VAR.EVENT_BUS_NAME];
  // AWS_ENDPOINT_URL_EVENTBRIDGE: a local stand-in (the fault suite's), which gets placeholder
  // credentials: a developer's real profile is never signed with or sent to a local process.
  const endpoint = env[VAR.AWS_ENDPOINT_URL_EVENTBRIDGE];
  const eventBridge = busName
    ? new EventBridgeClient({
        region: env[VAR.AWS_REGION] || LOCAL_REGION,
        ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      })
    : undefined;
  const forwardTo = eventsUrl(env[VAR.EVENTS_URL]);
  const forwarding = { url: forwardTo ?? '', region: LOCAL_REGION, log };
  const status =
    eventBridge && busName ? eventBridgePublisher(eventBridge, busName) : (events ?? logPublisher(log));
  const inbound =
    eventBridge && busName ? eventBridgeInboundPublisher(eventBridge, busName) : inboundLogPublisher(log);
  const ports: StatusStreamPorts = {
    publishEvents: feed.tee(forwardTo ? forwardingPublisher(status, STATUS_KIND, forwarding) : status),
    publishInbound: forwardTo ? forwardingPublisher(inbound, INBOUND_KIND, forwarding) : inbound,
    enqueueCallbacks: enqueue,
    log,
  };
  return {
    handle: (records: DynamoDbStreamRecord[]) => handleStreamRecords(records, ports),
    close: () => eventBridge?.destroy(),
    feed,
  };
}
