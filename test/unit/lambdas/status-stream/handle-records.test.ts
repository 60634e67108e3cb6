import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { rejectedRecordBase } from '#bind-service/dispatch/intake/malformed.ts';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';
import {
  type CallbackEnqueuer,
  type CallbackJob,
  sqsCallbackEnqueuer,
} from '#core/aws/queues/callback-job.ts';
import { rejectedOnArrival } from '#core/domain/messages/message-model.ts';
import {
  type EventPublisher,
  eventBridgePublisher,
  logPublisher,
  memoryEventSink,
} from '#lambdas/status-stream/event-publishers.ts';
import { handleStreamRecords, type StatusStreamPorts } from '#lambdas/status-stream/handle-records.ts';
import { statusStreamLogger } from '#lambdas/status-stream/ports.ts';
import type { DynamoDbStreamRecord } from '#lambdas/status-stream/stream-event.ts';
import { answeringClient } from '#test/helpers/aws/answering-client.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { deliveredRecord, messageItem, statusRecord, streamRecord } from './records.ts';

const ID_A = '01JZ00000000000000000000AA';
const ID_B = '01JZ00000000000000000000BB';
const HOOK = 'https://hooks.example.com/sms';

function ports(overrides: Partial<StatusStreamPorts> = {}) {
  const sink = memoryEventSink();
  const jobs: CallbackJob[] = [];
  const { lines: logs, write } = captureLogs();
  const enqueueCallbacks: CallbackEnqueuer = async (queued) => {
    jobs.push(...queued);
    return queued.map(() => true);
  };
  const built: StatusStreamPorts = {
    publishEvents: sink.publish,
    enqueueCallbacks,
    log: statusStreamLogger(write),
    ...overrides,
  };
  return { ports: built, sink, jobs, logs };
}

function sequenceOf(record: DynamoDbStreamRecord): string {
  return record.dynamodb?.SequenceNumber ?? '';
}

/** A's `submitted`, then B's `delivered`, then A's `delivered`: one message's changes around another's. */
function interleavedChanges() {
  return {
    submittedA: statusRecord({ id: ID_A, status: 'submitting', callbackUrl: HOOK }, { status: 'submitted' }),
    deliveredB: deliveredRecord({ id: ID_B, callbackUrl: HOOK }),
    deliveredA: deliveredRecord({ id: ID_A, callbackUrl: HOOK }),
  };
}

describe('handleStreamRecords', () => {
  it('when records carry status changes, then each becomes one event and one callback job, and none fails', async () => {
    // Prepare
    const { ports: p, sink, jobs } = ports();
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
    expect(jobs.map((job) => [job.callbackUrl, job.event.status])).toEqual([
      [HOOK, 'submitted'],
      [HOOK, 'delivered'],
    ]);
  });

  it('when EventBridge refuses an event, then its record is reported and its callback is not queued', async () => {
    // Prepare
    const refuseFirst: EventPublisher = async (events) => events.map((_, index) => index !== 0);
    const { ports: p, jobs } = ports({ publishEvents: refuseFirst });
    const first = deliveredRecord({ id: ID_A, callbackUrl: HOOK });
    const second = deliveredRecord({ id: ID_B, callbackUrl: HOOK });
    // Act
    const response = await handleStreamRecords([first, second], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(first) }]);
    expect(jobs.map((job) => job.event.id)).toEqual([ID_B]);
  });

  it('when EventBridge refuses a message’s first change, then its later change is reported too and no callback job is queued for it', async () => {
    // Prepare
    const refuseSubmittedA: EventPublisher = async (events) =>
      events.map((event) => !(event.id === ID_A && event.status === 'submitted'));
    const { ports: p, jobs } = ports({ publishEvents: refuseSubmittedA });
    const { submittedA, deliveredB, deliveredA } = interleavedChanges();
    // Act
    const response = await handleStreamRecords([submittedA, deliveredB, deliveredA], p);
    // Assess: A's `delivered` comes back with the retry; a job queued now would be posted twice.
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceOf(submittedA) },
      { itemIdentifier: sequenceOf(deliveredA) },
    ]);
    expect(jobs.map((job) => [job.event.id, job.event.status])).toEqual([[ID_B, 'delivered']]);
  });

  it('when a callback job is not queued, then that record and the same message’s later records are reported, other messages go on', async () => {
    // Prepare
    const refuseA: CallbackEnqueuer = async (queued) => queued.map((job) => job.event.id !== ID_A);
    const { ports: p, logs } = ports({ enqueueCallbacks: refuseA });
    const { submittedA, deliveredB, deliveredA } = interleavedChanges();
    // Act
    const response = await handleStreamRecords([submittedA, deliveredB, deliveredA], p);
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceOf(submittedA) },
      { itemIdentifier: sequenceOf(deliveredA) },
    ]);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'callback job not queued', id: ID_A }));
  });

  it('when a message’s first callback job is not taken, then its later job is not queued either (the retry brings both again, in order, once)', async () => {
    // Prepare: the queue refuses A's `submitted` job and takes everything else it is given.
    const taken: string[] = [];
    const refuseSubmittedA: CallbackEnqueuer = async (queued) =>
      queued.map((job) => {
        const take = !(job.event.id === ID_A && job.event.status === 'submitted');
        if (take) taken.push(`${job.event.id}:${job.event.status}`);
        return take;
      });
    const { ports: p } = ports({ enqueueCallbacks: refuseSubmittedA });
    const { submittedA, deliveredB, deliveredA } = interleavedChanges();
    // Act
    const response = await handleStreamRecords([submittedA, deliveredB, deliveredA], p);
    // Assess
    expect(taken).toEqual([`${ID_B}:delivered`]);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceOf(submittedA) },
      { itemIdentifier: sequenceOf(deliveredA) },
    ]);
  });

  it('when a message has no callback URL, then no job is queued for it', async () => {
    // Prepare
    const { ports: p, sink, jobs } = ports();
    // Act
    const response = await handleStreamRecords([deliveredRecord({ id: ID_A })], p);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sink.events).toHaveLength(1);
    expect(jobs).toEqual([]);
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
    const refuseAll: CallbackEnqueuer = async (queued) => queued.map(() => false);
    const { ports: p, logs } = ports({ enqueueCallbacks: refuseAll });
    // Act
    await handleStreamRecords([deliveredRecord({ callbackUrl: HOOK })], p);
    // Assess
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain('79991234567');
  });
});

// docs/operations.md (StatusStreamFailuresDepth): "the status-stream logs say why". The clients
// answer as AWS does when it refuses; what is tested is how the refusal reaches the error line.
describe('handleStreamRecords: the error line says why AWS refused', () => {
  it('when PutEvents answers a partial failure, then the error line names the entry’s ErrorCode and ErrorMessage, and the record is retried', async () => {
    // Prepare
    const eventBridge = answeringClient<EventBridgeClient>(async () => ({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not authorized to put events' }],
    }));
    const { ports: p, logs, jobs } = ports({ publishEvents: eventBridgePublisher(eventBridge, 'bus') });
    const record = deliveredRecord({ id: ID_A, callbackUrl: HOOK });
    // Act
    const response = await handleStreamRecords([record], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(record) }]);
    expect(jobs).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'status event not published',
        id: ID_A,
        errorCode: 'AccessDeniedException',
        reason: 'not authorized to put events',
      }),
    );
  });

  it('when the whole PutEvents call throws, then the error line names the error and every record of the call is retried', async () => {
    // Prepare
    const failure = Object.assign(new Error('Event bus bus does not exist.'), {
      name: 'ResourceNotFoundException',
    });
    const eventBridge = answeringClient<EventBridgeClient>(async () => {
      throw failure;
    });
    const { ports: p, logs } = ports({ publishEvents: eventBridgePublisher(eventBridge, 'bus') });
    const first = deliveredRecord({ id: ID_A });
    const second = deliveredRecord({ id: ID_B });
    // Act
    const response = await handleStreamRecords([first, second], p);
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceOf(first) },
      { itemIdentifier: sequenceOf(second) },
    ]);
    const errors = logs.filter((line) => line.msg === 'status event not published');
    expect(errors.map((line) => [line.id, line.errorCode, line.reason])).toEqual([
      [ID_A, 'ResourceNotFoundException', 'Event bus bus does not exist.'],
      [ID_B, 'ResourceNotFoundException', 'Event bus bus does not exist.'],
    ]);
  });

  it('when a PutEvents refusal quotes the event it refused, then the error line keeps the code and leaves the quoted detail and the recipient out', async () => {
    // Prepare: a validation message echoing the detail, as AWS's validation errors do.
    const eventBridge = answeringClient<EventBridgeClient>(async () => {
      throw Object.assign(
        new Error(
          `1 validation error detected: Value '{"to":"+79991234567","clientRef":"order 42"}' at 'entries.1.member.detail' failed to satisfy constraint`,
        ),
        { name: 'ValidationException' },
      );
    });
    const { ports: p, logs } = ports({ publishEvents: eventBridgePublisher(eventBridge, 'bus') });
    // Act
    await handleStreamRecords([deliveredRecord({ id: ID_A })], p);
    // Assess
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'status event not published', errorCode: 'ValidationException' }),
    );
    expect(JSON.stringify(logs)).not.toContain('79991234567');
    expect(JSON.stringify(logs)).not.toContain('order 42');
  });

  it('when SendMessageBatch refuses the callback job, then the error line names the SQS Code and SenderFault, and the record is retried', async () => {
    // Prepare
    const sqs = answeringClient<SQSClient>(async () => ({
      Successful: [],
      Failed: [{ Id: '0', Code: 'KMS.AccessDeniedException', SenderFault: true, Message: 'no key' }],
    }));
    const { ports: p, logs } = ports({
      enqueueCallbacks: sqsCallbackEnqueuer(sqs, 'https://sqs.local/queue'),
    });
    const record = deliveredRecord({ id: ID_A, callbackUrl: HOOK });
    // Act
    const response = await handleStreamRecords([record], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(record) }]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'callback job not queued',
        id: ID_A,
        errorCode: 'KMS.AccessDeniedException',
        senderFault: true,
        reason: 'no key',
      }),
    );
  });

  it('when the whole SendMessageBatch call throws, then the error line names the error', async () => {
    // Prepare
    const sqs = answeringClient<SQSClient>(async () => {
      throw Object.assign(new Error('The specified queue does not exist.'), {
        name: 'QueueDoesNotExist',
      });
    });
    const { ports: p, logs } = ports({
      enqueueCallbacks: sqsCallbackEnqueuer(sqs, 'https://sqs.local/queue'),
    });
    const record = deliveredRecord({ id: ID_A, callbackUrl: HOOK });
    // Act
    const response = await handleStreamRecords([record], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(record) }]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'callback job not queued',
        errorCode: 'QueueDoesNotExist',
        reason: 'The specified queue does not exist.',
      }),
    );
  });
});

/** The record the bind-service inserts for a queue message refused for its recipient (`to`). */
function refusedQueueMessage(id: string, to: string): DynamoDbStreamRecord {
  const body = JSON.stringify({ v: 1, id, to, text: 'Your code is 4711' });
  const parsed = parseQueueMessage(body, { isoMode: false, maxParts: 10 });
  if (parsed.ok) throw new Error(`expected the queue message to ${to} to be refused`);
  const base = rejectedRecordBase(id, parsed.raw, 'urgent', new Date('2025-01-01T00:00:00Z'));
  return streamRecord('INSERT', { new: messageItem(rejectedOnArrival(base, parsed.error)) });
}

// Local mode without a bus: the status events are log lines, which keep personal data out.
describe('handleStreamRecords with the log publisher', () => {
  it.each([
    ['a landline', '+7 495 123-45-67', 'not_mobile_number', /74951234567|495 123-45-67/],
    [
      'a mistyped number written with spaces',
      '+7 999 123 45 6',
      'invalid_phone_number',
      /999 123 45 6|7999123456/,
    ],
  ])(
    'when a queue message is refused for %s, then the status event line keeps its error code and name, not the number',
    async (_case, to, code, number) => {
      // Prepare
      const { ports: p, logs } = ports();
      // Act
      await handleStreamRecords([refusedQueueMessage(ID_A, to)], {
        ...p,
        publishEvents: logPublisher(p.log),
      });
      // Assess
      const eventLines = logs.filter((line) => line.msg === 'status event');
      expect(eventLines).toEqual([
        expect.objectContaining({
          id: ID_A,
          status: 'rejected',
          error: { code, name: 'Invalid queue message' },
        }),
      ]);
      expect(JSON.stringify(logs)).not.toMatch(number);
    },
  );
});
