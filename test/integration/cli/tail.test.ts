import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '#lambdas/api/server.ts';
import type { MessageStatusChanged } from '#lambdas/status-stream/status-event.ts';
import { createEventFeed, localApiRoutes } from '#local/event-feed.ts';
import { useApiHarness } from '#test/helpers/api/api-harness.ts';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// `smsc-sender tail` on the local stack when its event feed goes away: the stack stopped (npm start's
// Ctrl-C in the other terminal) or the feed ended. The tail must say so and exit non-zero, unlike
// the user's own Ctrl-C; and when it was told to stop after --count events. The API is the real one on DynamoDB Local and fauxqs, with the local stack's
// event feed route as npm start serves it.

describe('smsc-sender tail ending', () => {
  const harness = useApiHarness();
  let endpoint = 'http://127.0.0.1:1';
  const cli = useCli(() => endpoint);
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** The API with the local stack's event feed; close() once, by the test or after it. */
  const startLocalApi = async () => {
    const api = await harness.start();
    const feed = createEventFeed();
    const server: ApiServer = await startApiServer({
      port: 0,
      deps: api.deps,
      localRoutes: localApiRoutes(feed, {
        region: 'us-east-1',
        endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:1' },
        queues: api.queues,
      }),
    });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= server.close();
      return closing;
    };
    closers.push(close);
    endpoint = server.url;
    return { url: server.url, close, feed };
  };

  const following = (tail: ReturnType<typeof cli>) =>
    waitUntil(() => tail.stderr.includes('following status changes'), 20_000, 'tail to subscribe');

  it('when the local stack stops, then tail says the feed closed and exits 1', async () => {
    // Prepare
    const stack = await startLocalApi();
    const tail = cli(['tail']);
    await following(tail);
    // Act
    await stack.close();
    const code = await within(tail.exited, 20_000, 'tail to end');
    // Assess
    expect({ code, stderr: tail.stderr.trim() }).toEqual({
      code: 1,
      stderr: `following status changes (Ctrl-C stops)\nerror: the event feed at ${stack.url} closed (did the local stack stop?)`,
    });
  });

  it('when the feed ends cleanly, then tail says the feed closed and exits 1', async () => {
    // Prepare: a feed that subscribes, then ends its answer as a server shutting down in order does.
    let endFeed = () => {};
    const server: Server = createServer((request, response) => {
      if (request.url !== '/local/events') return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': subscribed\n\n');
      endFeed = () => response.end();
    });
    endpoint = await listenOnLoopback(server);
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const tail = cli(['tail']);
    await following(tail);
    // Act
    endFeed();
    const code = await within(tail.exited, 20_000, 'tail to end');
    // Assess
    expect({ code, stderr: tail.stderr.trim() }).toEqual({
      code: 1,
      stderr: `following status changes (Ctrl-C stops)\nerror: the event feed at ${endpoint} closed (did the local stack stop?)`,
    });
  });

  it('when one status-stream batch brings more events than --count, then tail prints --count of them and exits 0', async () => {
    // Prepare
    const stack = await startLocalApi();
    const tail = cli(['tail', '--count', '1']);
    await following(tail);
    // Act: one batch of the status stream, as the stream consumer publishes it: the feed writes its
    // events in one tick, and they reach the tail in one chunk.
    const publish = stack.feed.tee(async (events) => events.map(() => true));
    await publish(
      ['01JZ0000000000000000000002', '01JZ0000000000000000000003', '01JZ0000000000000000000004'].map(
        submitted,
      ),
    );
    const code = await within(tail.exited, 20_000, 'tail to end');
    // Assess: before, all three were printed
    expect({ code, lines: tail.stdout.trim().split('\n') }).toEqual({
      code: 0,
      lines: [expect.stringContaining('01JZ0000000000000000000002  submitting → submitted')],
    });
  });

  it('when the user presses Ctrl-C, then tail ends quietly with exit 0', async () => {
    // Prepare
    await startLocalApi();
    const tail = cli(['tail']);
    await following(tail);
    // Act
    tail.child.kill('SIGINT');
    const code = await within(tail.exited, 20_000, 'tail to end');
    // Assess
    expect({ code, stderr: tail.stderr.trim() }).toEqual({
      code: 0,
      stderr: 'following status changes (Ctrl-C stops)',
    });
  });
});

/** A status change to `submitted`, as the status stream publishes it. */
function submitted(id: string): MessageStatusChanged {
  return {
    schemaVersion: 1,
    id,
    status: 'submitted',
    previousStatus: 'submitting',
    sequence: 2,
    kind: 'sms',
    to: '+79994440001',
    clientRef: null,
    batchId: null,
    account: 'main',
    parts: 1,
    smscIds: ['smsc-1'],
    error: null,
    cost: null,
    mccmnc: null,
    read: false,
    clicked: false,
    hlr: null,
    report: null,
    at: '2026-01-01T00:00:00.000Z',
  };
}
