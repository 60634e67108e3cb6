import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '#core/observability/json-logger.ts';
import { memoryEventSink } from '#lambdas/status-stream/event-publishers.ts';
import { eventsUrl, forwardingPublisher, STATUS_KIND, toEnvelope } from '#local/streams/events-forwarder.ts';
import { statusEvent } from '#test/unit/lambdas/callbacks/jobs.ts';

// EVENTS_URL's checks and what the forwarder promises whatever the receiver does: the stack's own
// publisher decides, and a receiver that cannot be reached costs a log line, not a record.

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('EVENTS_URL forwarding', () => {
  it.each([['ftp://127.0.0.1/events'], ['127.0.0.1:4000'], ['not a url']])(
    'when EVENTS_URL is %s, then the start fails naming the variable',
    (value) => {
      // Act
      const check = () => eventsUrl(value);
      // Assess
      expect(check).toThrow(/EVENTS_URL must be an http\(s\) URL/);
    },
  );

  it('when EVENTS_URL is unset or empty, then nothing is forwarded', () => {
    // Act
    const values = [eventsUrl(undefined), eventsUrl('')];
    // Assess
    expect(values).toEqual([undefined, undefined]);
  });

  it('when an event is wrapped, then the envelope is EventBridge’s with the time to the second', () => {
    // Prepare
    const event = statusEvent({ at: '2025-01-01T00:00:01.250Z' });
    // Act
    const envelope = toEnvelope(event, STATUS_KIND, { region: 'us-east-1' });
    // Assess
    expect(envelope).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'MessageStatusChanged',
      source: 'sms-sender',
      account: '000000000000',
      time: '2025-01-01T00:00:01Z',
      region: 'us-east-1',
      resources: [],
      detail: event,
    });
  });

  it('when the receiver cannot be reached, then the stack’s publisher still decides and the failure is logged', async () => {
    // Prepare
    const lines: string[] = [];
    const sink = memoryEventSink();
    const publish = forwardingPublisher(sink.publish, STATUS_KIND, {
      url: `http://127.0.0.1:${await closedPort()}/events`,
      region: 'us-east-1',
      log: createLogger({ service: 'test', write: (line) => lines.push(line) }),
    });
    // Act
    const taken = await publish([statusEvent()]);
    // Assess
    expect(taken).toEqual([true]);
    expect(sink.events).toHaveLength(1);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        msg: 'event not forwarded to EVENTS_URL',
        reason: 'could not connect',
      }),
    ]);
  });

  it('when the stack’s publisher did not take an event, then it is not forwarded (its record is retried)', async () => {
    // Prepare
    const lines: string[] = [];
    const publish = forwardingPublisher(async (events) => events.map(() => false), STATUS_KIND, {
      url: `http://127.0.0.1:${await closedPort()}/events`,
      region: 'us-east-1',
      log: createLogger({ service: 'test', write: (line) => lines.push(line) }),
    });
    // Act
    const taken = await publish([statusEvent()]);
    // Assess
    expect(taken).toEqual([false]);
    expect(lines).toEqual([]);
  });
});
