import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { putEventsEntries } from '#lambdas/status-stream/event-publishers.ts';
import {
  PUT_EVENTS_MAX_BYTES,
  putEventsChunks,
  putEventsEntrySize,
} from '#lambdas/status-stream/put-events-chunks.ts';

// EventBridge refuses a whole PutEvents call of more than 10 entries or of 256 KB and more. The
// longest incoming message (255 UCS-2 parts of 67 characters) makes an event of ~34 KB in Cyrillic.

const LONGEST_CYRILLIC_TEXT = 'Ж'.repeat(255 * 67);

const entry = (detail: object): PutEventsRequestEntry => ({
  EventBusName: 'bus',
  Source: 'smsc-aws-sender',
  DetailType: 'InboundMessageReceived',
  Detail: JSON.stringify(detail),
  Time: new Date('2025-01-01T00:00:00.000Z'),
});

describe('putEventsChunks', () => {
  it('when ten of the longest Cyrillic incoming messages share a stream batch, then every call stays under 256 KB and the order is kept', () => {
    // Prepare
    const entries = Array.from({ length: 10 }, (_, index) =>
      entry({ id: `in-${index}`, text: LONGEST_CYRILLIC_TEXT }),
    );
    // Act
    const chunks = putEventsChunks(entries);
    // Assess
    const sizes = chunks.map((chunk) => chunk.reduce((sum, e) => sum + putEventsEntrySize(e), 0));
    expect(Math.max(...sizes)).toBeLessThan(256 * 1024);
    expect(chunks.map((chunk) => chunk.length)).toEqual([7, 3]);
    expect(chunks.flat()).toEqual(entries);
  });

  it('when eleven small events come, then they go as 10 and 1', () => {
    // Prepare
    const entries = Array.from({ length: 11 }, (_, index) => entry({ id: `e-${index}` }));
    // Act
    const chunks = putEventsChunks(entries);
    // Assess
    expect(chunks.map((chunk) => chunk.length)).toEqual([10, 1]);
    expect(chunks.flat()).toEqual(entries);
  });

  it('when one event is over the limit on its own, then it goes alone and the others around it still go together', () => {
    // Prepare
    const huge = entry({ text: 'x'.repeat(PUT_EVENTS_MAX_BYTES) });
    const entries = [entry({ id: 'a' }), huge, entry({ id: 'b' }), entry({ id: 'c' })];
    // Act
    const chunks = putEventsChunks(entries);
    // Assess
    expect(chunks).toEqual([[entries[0]], [huge], [entries[2], entries[3]]]);
  });

  it('when an entry is sized, then it is counted as EventBridge counts it: 14 for the time, UTF-8 bytes of the rest', () => {
    // Prepare
    const sized: PutEventsRequestEntry = {
      Source: 'src',
      DetailType: 'type',
      Detail: '{"t":"Ж"}',
      Time: new Date(0),
      Resources: ['arn:r'],
    };
    // Act
    const size = putEventsEntrySize(sized);
    // Assess
    expect(size).toBe(14 + 3 + 4 + 10 + 5);
  });
});

describe('putEventsEntries', () => {
  it('when the deployment is named (EVENT_RESOURCE_ARN), then every entry carries it in Resources, in order, and the entry size counts it', () => {
    // Prepare
    const table = 'arn:aws:dynamodb:eu-central-1:123456789012:table/SmsSender-StoreMessages1A2B3C4D';
    const events = [
      { at: '2025-01-01T00:00:00.000Z', n: 1 },
      { at: '2025-01-01T00:00:01.000Z', n: 2 },
    ];
    const kind = { detailType: 'MessageStatusChanged', timeOf: (event: { at: string }) => event.at };
    // Act
    const named = putEventsEntries(events, { eventBusName: 'default', resources: [table] }, kind);
    const unnamed = putEventsEntries(events, { eventBusName: 'default', resources: [] }, kind);
    // Assess
    expect(named.map((entry) => [entry.Resources, entry.Detail])).toEqual([
      [[table], '{"at":"2025-01-01T00:00:00.000Z","n":1}'],
      [[table], '{"at":"2025-01-01T00:00:01.000Z","n":2}'],
    ]);
    expect(unnamed.every((entry) => entry.Resources === undefined)).toBe(true);
    expect(putEventsEntrySize(named[0] ?? {}) - putEventsEntrySize(unnamed[0] ?? {})).toBe(table.length);
  });
});
