import { describe, expect, it } from 'vitest';
import { STATUS_KIND, toEnvelope } from '#local/streams/events-forwarder.ts';
import { statusEvent } from '#test/unit/lambdas/callbacks/jobs.ts';
import { noteOf, type StatusEvent } from '../../../../examples/status-consumer/handler.ts';

// The example consumer's decisions on the envelope a rule (or EVENTS_URL) hands it.

const envelope = (overrides: Parameters<typeof statusEvent>[0]): StatusEvent =>
  toEnvelope(statusEvent(overrides), STATUS_KIND, { region: 'us-east-1' });

describe('example status consumer', () => {
  it('when an undelivered event arrives, then the note carries the dedupe key and the reason', () => {
    // Prepare
    const error = {
      code: 1,
      name: 'The subscriber does not exist',
      description: 'The phone number does not exist.',
    };
    // Act
    const note = noteOf(envelope({ status: 'undelivered', sequence: 4, error }));
    // Assess
    expect(note).toEqual({
      key: '01JZ0000000000000000000001:undelivered:4',
      messageId: '01JZ0000000000000000000001',
      delivered: false,
      clientRef: null,
      reason: 'The subscriber does not exist',
    });
  });

  it('when an event of a schema version it does not know arrives, then it is left alone', () => {
    // Prepare
    const future = envelope({}) as unknown as { detail: Record<string, unknown> };
    future.detail.schemaVersion = 2;
    // Act
    const note = noteOf(future as unknown as StatusEvent);
    // Assess
    expect(note).toBeUndefined();
  });

  it('when an event carries a field it does not know, then it is noted all the same', () => {
    // Prepare
    const extended = envelope({ status: 'delivered' }) as unknown as { detail: Record<string, unknown> };
    extended.detail.segmentsBilled = 1;
    // Act
    const note = noteOf(extended as unknown as StatusEvent);
    // Assess
    expect(note?.delivered).toBe(true);
  });

  it('when a delivered message is later read, then the example does not note a second delivery', () => {
    // Prepare: the delivery (sequence 4), then the read raised on it (sequence 5, status unchanged),
    // which the rule's `statuses: ['delivered', …]` matches as well
    const delivery = envelope({ status: 'delivered', previousStatus: 'submitted', sequence: 4 });
    const read = envelope({ status: 'delivered', previousStatus: 'delivered', sequence: 5, read: true });
    // Act
    const notes = [noteOf(delivery), noteOf(read)].filter((note) => note !== undefined);
    // Assess: one delivery outcome per message
    expect(notes.filter((note) => note.delivered)).toHaveLength(1);
  });
});
