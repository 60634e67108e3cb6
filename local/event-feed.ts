import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import type { ApiEnv } from '#lambdas/api/http/request-log.ts';
import type { EventPublisher } from '#lambdas/status-stream/event-publishers.ts';
import type { MessageStatusChanged } from '#lambdas/status-stream/status-event.ts';

// What the CLI needs from the local stack beyond the API, on the API's own port so that one
// `--endpoint` is all it takes: the status events as a server-sent event stream (`smsc-sender tail`,
// where AWS has EventBridge) and where the stack's SQS queues are (`smsc-sender dlq`). Local only:
// the Lambda app has neither route.

export interface EventFeed {
  /** Passes events on to `next` and, once taken there, to every subscriber. */
  tee(next: EventPublisher): EventPublisher;
  subscribe(listener: (event: MessageStatusChanged) => void): () => void;
}

export function createEventFeed(): EventFeed {
  const listeners = new Set<(event: MessageStatusChanged) => void>();
  return {
    tee: (next) => async (events) => {
      const taken = await next(events);
      events.forEach((event, index) => {
        if (taken[index] === true) for (const listener of listeners) listener(event);
      });
      return taken;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface LocalStackInfo {
  region: string;
  endpoints: { dynamodb: string; sqs: string };
  queues: QueueNames;
}

const KEEP_ALIVE_MS = 15_000;

export function localApiRoutes(feed: EventFeed, info: LocalStackInfo): (app: Hono<ApiEnv>) => void {
  return (app) => {
    app.get('/local/stack', (c) => c.json(info));
    app.get('/local/events', (c) =>
      streamSSE(c, async (stream) => {
        const unsubscribe = feed.subscribe((event) => {
          void stream.writeSSE({
            event: 'status',
            id: `${event.id}:${event.status}`,
            data: JSON.stringify(event),
          });
        });
        stream.onAbort(unsubscribe);
        // A comment first, so the client knows it is subscribed before any event can be missed.
        await stream.write(': subscribed\n\n');
        while (!stream.aborted && !stream.closed) {
          await stream.sleep(KEEP_ALIVE_MS);
          await stream.write(': keep-alive\n\n');
        }
        unsubscribe();
      }),
    );
  };
}
