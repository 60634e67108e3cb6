import { describe, expect, it } from 'vitest';
import { CallbackError } from '#lambdas/status-stream/callback.ts';
import { CallbackRefusedError, type CallbackSender } from '#lambdas/status-stream/callback-sender.ts';
import { type EventPublisher, memoryEventSink } from '#lambdas/status-stream/event-publishers.ts';
import { handleStreamRecords, type StatusStreamPorts } from '#lambdas/status-stream/handle-records.ts';
import type { LogLine } from '#lambdas/status-stream/log.ts';
import type { MessageStatusChanged } from '#lambdas/status-stream/status-event.ts';
import type { DynamoDbStreamRecord } from '#lambdas/status-stream/stream-event.ts';
import { deliveredRecord, statusRecord, streamRecord } from './records.ts';

const ID_A = '01JZ00000000000000000000AA';
const ID_B = '01JZ00000000000000000000BB';
const HOOK = 'https://hooks.example.com/sms';

function ports(overrides: Partial<StatusStreamPorts> = {}) {
  const sink = memoryEventSink();
  const calls: { url: string; event: MessageStatusChanged }[] = [];
  const logs: LogLine[] = [];
  const sendCallback: CallbackSender = async (url, event) => {
    calls.push({ url, event });
  };
  const built: StatusStreamPorts = {
    publishEvents: sink.publish,
    sendCallback,
    log: (line) => logs.push(line),
    ...overrides,
  };
  return { ports: built, sink, calls, logs };
}

function sequenceOf(record: DynamoDbStreamRecord): string {
  return record.dynamodb?.SequenceNumber ?? '';
}

describe('handleStreamRecords', () => {
  it('when records carry status changes, then each becomes one event and one callback, and none fails', async () => {
    // Prepare
    const { ports: p, sink, calls } = ports();
    const records = [
      statusRecord({ id: ID_A, status: 'submitting', callbackUrl: HOOK }, { status: 'submitted' }),
      deliveredRecord({ id: ID_A, callbackUrl: HOOK }),
      streamRecord('MODIFY', { old: { pk: 'SMSC#1' }, new: { pk: 'SMSC#1', messageId: ID_A } }),
    ];
    // Act
    const response = await handleStreamRecords(records, p);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sink.events.map((e) => e.status)).toEqual(['submitted', 'delivered']);
    expect(calls.map((c) => [c.url, c.event.status])).toEqual([
      [HOOK, 'submitted'],
      [HOOK, 'delivered'],
    ]);
  });

  it('when EventBridge refuses an event, then its record is reported and its callback is not sent', async () => {
    // Prepare
    const refuseFirst: EventPublisher = async (events) => events.map((_, index) => index !== 0);
    const { ports: p, calls } = ports({ publishEvents: refuseFirst });
    const first = deliveredRecord({ id: ID_A, callbackUrl: HOOK });
    const second = deliveredRecord({ id: ID_B, callbackUrl: HOOK });
    // Act
    const response = await handleStreamRecords([first, second], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(first) }]);
    expect(calls.map((c) => c.event.id)).toEqual([ID_B]);
  });

  it('when a callback fails, then that record and the same message’s later records are reported, other messages go on', async () => {
    // Prepare
    const failing: CallbackSender = async (_, event) => {
      if (event.id === ID_A) throw new CallbackError('callback answered 503', 503);
    };
    const { ports: p, logs } = ports({ sendCallback: failing });
    const submittedA = statusRecord(
      { id: ID_A, status: 'submitting', callbackUrl: HOOK },
      { status: 'submitted' },
    );
    const deliveredB = deliveredRecord({ id: ID_B, callbackUrl: HOOK });
    const deliveredA = deliveredRecord({ id: ID_A, callbackUrl: HOOK });
    // Act
    const response = await handleStreamRecords([submittedA, deliveredB, deliveredA], p);
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceOf(submittedA) },
      { itemIdentifier: sequenceOf(deliveredA) },
    ]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'callback failed',
        id: ID_A,
        httpStatus: 503,
        target: 'https://hooks.example.com',
      }),
    );
  });

  it('when the callback target is refused, then the record is not a failure (a retry cannot help)', async () => {
    // Prepare
    const refusing: CallbackSender = async () => {
      throw new CallbackRefusedError('loopback or link-local address');
    };
    const { ports: p, sink, logs } = ports({ sendCallback: refusing });
    // Act
    const response = await handleStreamRecords(
      [deliveredRecord({ callbackUrl: 'http://127.0.0.1/hook' })],
      p,
    );
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sink.events).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'callback refused' }));
  });

  it('when an image cannot be read, then the record is skipped with an error log, not retried forever', async () => {
    // Prepare
    const { ports: p, logs } = ports();
    const broken = statusRecord({ status: 'submitted' }, { status: 'delivered' });
    if (broken.dynamodb?.NewImage) broken.dynamodb.NewImage.status = { S: 'bogus' };
    // Act
    const response = await handleStreamRecords([broken], p);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'stream record skipped: unreadable image' }),
    );
  });

  it('when any log line is written, then it never contains the recipient', async () => {
    // Prepare
    const failing: CallbackSender = async () => {
      throw new CallbackError('callback could not connect');
    };
    const { ports: p, logs } = ports({ sendCallback: failing });
    // Act
    await handleStreamRecords([deliveredRecord({ callbackUrl: HOOK })], p);
    // Assess
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain('79991234567');
  });
});
