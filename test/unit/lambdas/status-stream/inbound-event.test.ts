import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import {
  type InboundMessageReceived,
  inboundMessageReceivedSchema,
} from '#core/domain/events/inbound-message-received.ts';
import { messageStatusChangedSchema } from '#core/domain/events/message-status-changed.ts';
import { eventBridgeInboundPublisher } from '#lambdas/status-stream/event-publishers.ts';
import { handleStreamRecords } from '#lambdas/status-stream/handle-records.ts';
import { inboundEventOf } from '#lambdas/status-stream/inbound-event.ts';
import { statusStreamLogger } from '#lambdas/status-stream/ports.ts';
import { UnreadableImageError } from '#lambdas/status-stream/status-event.ts';
import { answeringClient } from '#test/helpers/aws/answering-client.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { streamRecord } from './records.ts';

// Incoming messages from the inbound table's stream become InboundMessageReceived events; the
// bind-service's part assemblies and raw receipts in the same table do not.

const INBOUND_ID = '01JZ0000000000000000000IN1';

function inboundItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: 'IN#SMSC#200001',
    id: INBOUND_ID,
    from: '+79995550001',
    to: '+79990007000',
    text: 'Ответ абонента: да',
    receivedAt: '2025-01-01T00:00:03.000Z',
    parts: 1,
    smscId: '200001',
    account: 'eu',
    expiresAt: 1_900_000_000,
    ...overrides,
  };
}

describe('inboundEventOf', () => {
  it('when an incoming message is inserted, then the event carries it', () => {
    // Prepare
    const record = streamRecord('INSERT', { new: inboundItem() });
    // Act
    const event = inboundEventOf(record);
    // Assess
    expect(event).toEqual({
      schemaVersion: 1,
      id: INBOUND_ID,
      from: '+79995550001',
      to: '+79990007000',
      text: 'Ответ абонента: да',
      parts: 1,
      smscId: '200001',
      account: 'eu',
      receivedAt: '2025-01-01T00:00:03.000Z',
    });
  });

  it('when several accounts receive incoming messages, then the event names the account, as status events do', () => {
    // Assess: one field, spelt alike in both details, so a consumer reads the login the same way.
    expect(Object.keys(messageStatusChangedSchema.shape)).toContain('account');
    expect(Object.keys(inboundMessageReceivedSchema.shape)).toContain('account');
    expect(inboundMessageReceivedSchema.shape.account.parse(null)).toBeNull();
  });

  it('when the message was stored before it named its account, then it still publishes, with a null account', () => {
    // Prepare
    const { account: _account, ...item } = inboundItem();
    // Act
    const event = inboundEventOf(streamRecord('INSERT', { new: item }));
    // Assess
    expect(event).toMatchObject({ id: INBOUND_ID, account: null });
  });

  it('when the SMSC gave no id, then the event says so with null', () => {
    // Prepare
    const { smscId: _smscId, ...item } = inboundItem({ pk: `IN#ID#${INBOUND_ID}` });
    // Act
    const event = inboundEventOf(streamRecord('INSERT', { new: item }));
    // Assess
    expect(event?.smscId).toBeNull();
  });

  it.each([
    ['a part assembly', 'INSERT' as const, { pk: 'IN#PARTS#x#y#2#7', kind: 'mo-parts' }],
    ['an unparsed receipt', 'INSERT' as const, { pk: 'IN#RAW#01JZ', kind: 'unparsed-receipt' }],
    ['a TTL removal', 'REMOVE' as const, {}],
  ])('when the record is %s, then there is no event', (_, eventName, overrides) => {
    // Prepare
    const item = inboundItem(overrides);
    const record = streamRecord(eventName, eventName === 'REMOVE' ? { old: item } : { new: item });
    // Act
    const event = inboundEventOf(record);
    // Assess
    expect(event).toBeUndefined();
  });

  it('when an incoming message has no text, then it is refused as unreadable', () => {
    // Prepare
    const { text: _text, ...item } = inboundItem();
    // Act
    const read = () => inboundEventOf(streamRecord('INSERT', { new: item }));
    // Assess
    expect(read).toThrow(UnreadableImageError);
  });
});

describe('handleStreamRecords with inbound records', () => {
  it('when the inbound event is not taken, then its record is retried, and a taken one is not', async () => {
    // Prepare
    const published: InboundMessageReceived[] = [];
    const { write } = captureLogs();
    const taken = streamRecord('INSERT', { new: inboundItem() });
    const refused = streamRecord('INSERT', { new: inboundItem({ pk: 'IN#SMSC#200002', id: 'other' }) });
    // Act
    const answer = await handleStreamRecords([taken, refused], {
      publishEvents: async (events) => events.map(() => true),
      publishInbound: async (events) =>
        events.map((event) => {
          published.push(event);
          return event.id === INBOUND_ID;
        }),
      enqueueCallbacks: async (jobs) => jobs.map(() => true),
      log: statusStreamLogger(write),
    });
    // Assess
    expect(published.map((event) => event.id)).toEqual([INBOUND_ID, 'other']);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: refused.dynamodb?.SequenceNumber }]);
  });

  it('when PutEvents refuses an inbound event with a message quoting it, then the error line names the code and holds neither the sender nor the text', async () => {
    // Prepare
    const eventBridge = answeringClient<EventBridgeClient>(async () => ({
      FailedEntryCount: 1,
      Entries: [
        {
          ErrorCode: 'MalformedDetail',
          ErrorMessage: `Detail is malformed: "from":"+79995550001","text":"Ответ абонента: да"`,
        },
      ],
    }));
    const { lines, write } = captureLogs();
    const record = streamRecord('INSERT', { new: inboundItem() });
    // Act
    const answer = await handleStreamRecords([record], {
      publishEvents: async (events) => events.map(() => true),
      publishInbound: eventBridgeInboundPublisher(eventBridge, 'bus'),
      enqueueCallbacks: async (jobs) => jobs.map(() => true),
      log: statusStreamLogger(write),
    });
    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb?.SequenceNumber }]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'inbound event not published',
        id: INBOUND_ID,
        errorCode: 'MalformedDetail',
      }),
    );
    expect(JSON.stringify(lines)).not.toContain('79995550001');
    expect(JSON.stringify(lines)).not.toContain('Ответ');
  });
});
