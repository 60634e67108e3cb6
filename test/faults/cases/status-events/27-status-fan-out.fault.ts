import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeKey, type MessageStatusChanged } from '#core/domain/events/message-status-changed.ts';
import { elapse, waitUntil } from '#test/helpers/wait.ts';
import { EventBridgeStandIn, type PutEventsEntry } from '../../harness/eventbridge-stand-in.ts';
import { runCase } from '../../harness/run-case.ts';
import { recipient, sendMessages } from '../../harness/traffic.ts';

// Case 27: status fan-out under faults. EventBridge (a local stand-in speaking PutEvents) refuses
// the `submitted` entry of every third message twice and, twice during the traffic, whole calls
// (500, more than the SDK's own three attempts); every callback answers 503 to its first two
// attempts per (id, status) and 200 after. Receipts come at once, so a refused `submitted` often
// shares its stream batch with the same message's `delivered`, which is then sent back for retry too
// (order per message): its event is published again (same key), its callback must not be.
//
// What "once" means here, as the design documents it (docs/events.md): events are delivered at least
// once, de-duplicated on id + status + sequence. So for events: none missing, and every repeat
// carries the same key and the same detail. Callbacks: exactly one 200-answered post per
// (id, status): a job the receiver took is never posted again, and none is lost.

const COUNT = 30;
const EVENT_STATUSES = ['submitted', 'delivered'] as const;

interface Receiver {
  url: string;
  /** Posts answered 200, per id + status. */
  delivered: Map<string, MessageStatusChanged[]>;
  refused: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const attempts = new Map<string, number>();
  let server: Server | undefined;
  const receiver: Receiver = {
    url: '',
    delivered: new Map(),
    refused: 0,
    close: async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MessageStatusChanged;
      const key = `${event.id}:${event.status}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      if (attempt <= 2) {
        receiver.refused++;
        response.writeHead(503).end();
        return;
      }
      receiver.delivered.set(key, [...(receiver.delivered.get(key) ?? []), event]);
      response.writeHead(200).end();
    });
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const address = listening.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  return receiver;
}

const detailOf = (entry: PutEventsEntry) => JSON.parse(entry.Detail ?? '{}') as MessageStatusChanged;

describe('fault case 27: status fan-out under faults', () => {
  const eventBridge = new EventBridgeStandIn();
  let eventBridgeUrl = '';
  let receiver: Receiver;

  beforeAll(async () => {
    eventBridgeUrl = await eventBridge.listen();
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await eventBridge.close();
    await receiver?.close();
  });

  it('when EventBridge refuses entries and calls and the receiver fails twice, then no event or callback is lost or delivered twice', async () => {
    // Prepare: every third message's `submitted` entry is refused twice (per id + status + sequence).
    const refusals = new Map<string, number>();
    const chosen = new Set(Array.from({ length: COUNT / 3 }, (_, i) => recipient(27, i * 3)));
    // Refusals of a change with another change of the same message in the same call.
    let sameCall = 0;
    const texts = new Map<string, string>();
    // Act
    const result = await runCase({
      number: 27,
      name: 'status fan-out: EventBridge refuses entries and calls, callbacks fail twice',
      env: {
        SMPP_THROUGHPUT: '20',
        EVENT_BUS_NAME: 'fault27',
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeUrl,
      },
      // Receipts at once: a message's `submitted` and `delivered` changes often share a stream batch,
      // so a refused `submitted` entry has a later change of the same message behind it.
      simulator: { receiptDelayMs: 0 },
      callbackBackoff: () => 1,
      settleMs: 90_000,
      act: async ({ stack, sent, faultEnded }) => {
        eventBridge.failEntries((entry, call) => {
          const event = detailOf(entry);
          if (!chosen.has(event.to) || event.status !== 'submitted') return false;
          if (call.some((other) => other !== entry && detailOf(other).id === event.id)) sameCall++;
          const key = dedupeKey(event);
          const times = refusals.get(key) ?? 0;
          if (times >= 2) return false;
          refusals.set(key, times + 1);
          return true;
        });
        const first = await sendMessages(stack.local.apiUrl, 27, {
          caseName: 'case27',
          count: COUNT / 2,
          callbackUrl: receiver.url,
        });
        sent.push(...first);
        await stack.sim.waitFor(() => stack.sim.stats.submits >= 5, 20_000);
        eventBridge.failCalls(4);
        const second = await sendMessages(stack.local.apiUrl, 27, {
          caseName: 'case27',
          count: COUNT / 2,
          from: COUNT / 2,
          callbackUrl: receiver.url,
        });
        sent.push(...second);
        await stack.sim.waitFor(() => stack.sim.stats.submits >= COUNT - 5, 30_000);
        eventBridge.failCalls(4);
        for (const message of sent) texts.set(message.id, message.text);
        faultEnded();
      },
      afterSettle: async () => {
        const expected = [...texts.keys()].flatMap((id) => EVENT_STATUSES.map((status) => `${id}:${status}`));
        const published = () =>
          new Set(eventBridge.entries.map((entry) => detailOf(entry)).map((e) => `${e.id}:${e.status}`));
        await waitUntil(
          () => expected.every((key) => published().has(key) && receiver.delivered.has(key)),
          60_000,
          'every status event published and every callback delivered',
          200,
        );
        // Repeats would come after the first delivery: give them the time of a few retries to show.
        await elapse(5_000);
      },
    });
    // Assess: the faults happened, refused `submitted` entries among them with the same message's
    // `delivered` in the same call (the path where a callback could be queued twice).
    expect(sameCall).toBeGreaterThan(0);
    expect(eventBridge.stats.callsFailed).toBeGreaterThanOrEqual(8);
    expect(eventBridge.stats.entriesRefused).toBeGreaterThan(0);
    expect(receiver.refused).toBe(COUNT * EVENT_STATUSES.length * 2);
    // Assess: the messages.
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: COUNT });
    expect(result.holds).toBe(true);
    // Assess: events, at least once, repeats only with the same key and detail.
    const byKey = new Map<string, string[]>();
    for (const entry of eventBridge.entries) {
      const key = dedupeKey(detailOf(entry));
      byKey.set(key, [...(byKey.get(key) ?? []), entry.Detail ?? '']);
    }
    const statusesById = new Map<string, string[]>();
    for (const key of byKey.keys()) {
      const [id = '', status = ''] = key.split(':');
      statusesById.set(id, [...(statusesById.get(id) ?? []), status].sort());
    }
    for (const id of texts.keys()) expect(statusesById.get(id), id).toEqual(['delivered', 'submitted']);
    for (const [key, details] of byKey) expect(new Set(details).size, key).toBe(1);
    // Assess: callbacks, exactly one 200 per id + status.
    const twice = [...receiver.delivered].filter(([, posts]) => posts.length !== 1).map(([key]) => key);
    expect(twice).toEqual([]);
    expect(receiver.delivered.size).toBe(COUNT * EVENT_STATUSES.length);
  });
});
