import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '#core/domain/events/envelope.ts';
import { inboundMessageReceivedSchema } from '#core/domain/events/inbound-message-received.ts';
import {
  type MessageStatusChanged,
  messageStatusChangedSchema,
} from '#core/domain/events/message-status-changed.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { verifyCallback } from '../../../../examples/verify-callback.mjs';
import { bodyOf, useLocalStack } from './stack-fixture.ts';

// What a consumer of status events meets on the local stack (docs/events.md): the verification
// snippet of the docs run against a callback the stack's callback worker really signed and posted,
// and EVENTS_URL posting every event in the EventBridge envelope to a local receiver, whose failures
// are logged without stopping the stream poller. The stack runs with CALLBACK_TIMEOUT_MS, which the
// callback worker must honour as the deployed one does.

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** When the request arrived, and when its client gave up on it before the answer (/hooks/slow). */
  at: number;
  abandonedAt?: number;
}

/** Envelopes of events about this recipient are refused with 503: the receiver is "down" for them. */
const REFUSED_RECIPIENT = '+79991239902';
/** The stack's CALLBACK_TIMEOUT_MS: less than the default 5 s, ample for a receiver on loopback. */
const CALLBACK_TIMEOUT_MS = 2_000;
/** How long /hooks/slow holds its answer: past CALLBACK_TIMEOUT_MS, within the default 5 s. */
const SLOW_ANSWER_MS = 4_000;

describe('status consumers on the local stack', () => {
  const received: Received[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { path: request.url ?? '', headers: request.headers, body, at: Date.now() };
      received.push(entry);
      if (request.url === '/hooks/slow') {
        const answer = setTimeout(() => response.writeHead(204).end(), SLOW_ANSWER_MS);
        response.once('close', () => {
          if (!response.writableFinished) entry.abandonedAt = Date.now();
          clearTimeout(answer);
        });
        return;
      }
      const refused = request.url === '/events' && body.includes(`"to":"${REFUSED_RECIPIENT}"`);
      response.writeHead(refused ? 503 : 204).end();
    });
  });
  const env: Record<string, string> = { CALLBACK_TIMEOUT_MS: String(CALLBACK_TIMEOUT_MS) };
  let base = '';
  // Registered before the stack's own beforeAll, so EVENTS_URL is set when the stack starts.
  beforeAll(
    () =>
      new Promise<void>((resolve) =>
        receiver.listen(0, '127.0.0.1', () => {
          base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
          env.EVENTS_URL = `${base}/events`;
          resolve();
        }),
      ),
  );
  const fixture = useLocalStack({ env });
  afterAll(() => {
    receiver.closeAllConnections();
    return new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const envelopes = (id: string) =>
    received
      .filter((r) => r.path === '/events')
      .map((r) => JSON.parse(r.body) as EventBridgeEnvelope<MessageStatusChanged>)
      .filter((envelope) => envelope.detail.id === id);

  async function send(to: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { id } = await bodyOf<{ id: string }>(
      await fixture.post('/v1/messages', { to, text: `consumer test ${to}`, ...extra }),
    );
    await fixture.settled(id);
    return id;
  }

  it('when a message with a callback URL is delivered, then the documented snippet verifies the signed callback and refuses a forged one', async () => {
    // Prepare
    const id = await send('+79991239901', { callbackUrl: `${base}/hooks/sms` });
    await waitUntil(
      () => received.some((r) => r.path === '/hooks/sms' && r.body.includes('"status":"delivered"')),
      5_000,
      'the delivered callback',
    );
    const callback = received.find((r) => r.path === '/hooks/sms' && r.body.includes('"status":"delivered"'));
    const body = callback?.body ?? '';
    const headers = callback?.headers ?? {};
    // Act
    const genuine = verifyCallback(fixture.stack.callbackSecret, headers, body);
    const otherSecret = verifyCallback('not-the-signing-secret-0000', headers, body);
    const changedBody = verifyCallback(
      fixture.stack.callbackSecret,
      headers,
      body.replace('delivered', 'failed'),
    );
    const replayedLater = verifyCallback(fixture.stack.callbackSecret, headers, body, -1);
    // Assess
    expect(genuine).toBe(true);
    expect([otherSecret, changedBody, replayedLater]).toEqual([false, false, false]);
    expect(JSON.parse(body)).toMatchObject({ schemaVersion: 1, id, status: 'delivered' });
  });

  it('when CALLBACK_TIMEOUT_MS is set and a callback receiver answers later, then the callback worker gives up after that time, not the default 5 s', async () => {
    // Act
    await send('+79991239905', { callbackUrl: `${base}/hooks/slow` });
    await waitUntil(
      () => received.some((r) => r.path === '/hooks/slow' && r.abandonedAt !== undefined),
      SLOW_ANSWER_MS + 2_000,
      'the callback worker to give up on the slow receiver',
    );
    // Assess: before, the local worker ignored the setting and waited out the 4 s answer
    const abandoned = received.find((r) => r.path === '/hooks/slow' && r.abandonedAt !== undefined);
    const waitedMs = (abandoned?.abandonedAt ?? Number.NaN) - (abandoned?.at ?? Number.NaN);
    expect(waitedMs).toBeGreaterThan(CALLBACK_TIMEOUT_MS / 2);
    expect(waitedMs).toBeLessThan(SLOW_ANSWER_MS);
  });

  it('when the stack runs with EVENTS_URL, then every event reaches the receiver in the EventBridge envelope', async () => {
    // Act
    const id = await send('+79991239903');
    await waitUntil(() => envelopes(id).length === 2, 5_000, 'two envelopes for the message');
    // Assess
    const posted = envelopes(id);
    const sunk = fixture.events.events.filter((event) => event.id === id);
    expect(posted.map((envelope) => envelope.detail)).toEqual(sunk);
    expect(posted.map((envelope) => envelope.detail.status)).toEqual(['submitted', 'delivered']);
    for (const envelope of posted) {
      expect(Object.keys(envelope).sort()).toEqual(
        ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version'].sort(),
      );
      expect(envelope).toMatchObject({
        version: '0',
        'detail-type': 'MessageStatusChanged',
        source: 'sms-sender',
        account: '000000000000',
        region: fixture.stack.region,
        resources: [],
        time: envelope.detail.at.replace(/\.\d{3}Z$/, 'Z'),
      });
      expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(messageStatusChangedSchema.strict().parse(envelope.detail)).toEqual(envelope.detail);
    }
    const request = received.find((r) => r.path === '/events');
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('when the EVENTS_URL receiver refuses events, then that is logged and the stream poller goes on', async () => {
    // Act
    const refused = await send(REFUSED_RECIPIENT);
    await waitUntil(
      () => fixture.events.events.some((event) => event.id === refused && event.status === 'delivered'),
      5_000,
      'the refused message to be delivered and its events taken',
    );
    const after = await send('+79991239904');
    await waitUntil(() => envelopes(after).length === 2, 5_000, 'the next message’s envelopes');
    // Assess
    const warnings = fixture.logs
      .map((line) => JSON.parse(line) as { msg?: string; id?: string; reason?: string })
      .filter((line) => line.msg === 'event not forwarded to EVENTS_URL' && line.id === refused);
    expect(warnings.map((line) => line.reason)).toEqual(['answered 503', 'answered 503']);
    expect(envelopes(refused)).toHaveLength(2);
    expect(fixture.stack.poller.stats.dropped).toBe(0);
  });

  it('when an incoming message arrives, then an InboundMessageReceived envelope reaches EVENTS_URL', async () => {
    // Prepare
    const text = 'Ответ для EVENTS_URL';
    // Act
    const statuses = await fixture.sim.injectMo({
      systemId: fixture.stack.smpp.systemId,
      from: '+79995550009',
      to: '+79990007000',
      text,
    });
    await waitUntil(
      () => received.some((r) => r.path === '/events' && r.body.includes('InboundMessageReceived')),
      5_000,
      'the inbound envelope',
    );
    // Assess
    expect(statuses).toEqual([0]);
    const envelope = received
      .filter((r) => r.path === '/events')
      .map((r) => JSON.parse(r.body) as EventBridgeEnvelope<Record<string, unknown>>)
      .find((e) => e['detail-type'] === 'InboundMessageReceived');
    expect(envelope).toMatchObject({
      version: '0',
      source: 'sms-sender',
      account: '000000000000',
      resources: [],
    });
    expect(inboundMessageReceivedSchema.strict().parse(envelope?.detail)).toMatchObject({
      schemaVersion: 1,
      from: '+79995550009',
      to: '+79990007000',
      text,
      parts: 1,
    });
  });
});
