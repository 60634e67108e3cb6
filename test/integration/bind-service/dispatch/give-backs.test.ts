import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '#bind-service/dispatch/submit/part-action.ts';
import { messageIdGenerator, messageIdTime } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import {
  ACCOUNT,
  mobile,
  publishRaw,
  queueDepth,
  receiveAll,
  sendLikeApi,
  startRig,
  statusIs,
  useCleanup,
  waitForEmptyQueue,
  waitForRecord,
} from './fixtures.ts';

// A valid message that cannot go now is given back to its queue (growing visibility back-off), as
// often as it takes, and never reaches a dead-letter queue; once its validity has passed it ends
// `expired`. Only invalid messages are dead-lettered, each with a record that says why. The give-back
// back-off is 0 s here so that many give-backs take seconds, not minutes.

const NO_BACKOFF = { baseSeconds: 0, capSeconds: 0 };

describe('bind-service dispatch: give-backs and dead letters (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when the SMSC keeps throttling a valid message, then it is given back more often than the old redrive limit, never dead-lettered, and ends expired', async () => {
    // Prepare: every submit is throttled, and each throttling answer gives the message back.
    let skewMs = 0;
    const rig = await startRig(aws, defer, {
      deps: {
        clock: () => new Date(Date.now() + skewMs),
        retryPolicy: { ...DEFAULT_RETRY_POLICY, maxThrottledResends: 0 },
        requeueBackoff: NO_BACKOFF,
      },
    });
    rig.simulator.fault({ type: 'throttle' });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(1), text: 'Throttled for ever', validityMinutes: 5 });
    await waitUntil(
      () => rig.simulator.stats.throttled >= 7,
      45_000,
      'seven give-backs (the old redrive dead-lettered after five receives)',
      50,
    );
    const afterGiveBacks = await rig.messages.get(id);
    skewMs = 6 * 60_000;
    const record = await waitForRecord(rig, id, statusIs('expired'), 15_000);
    await waitForEmptyQueue(aws, rig.queues.urgent);
    // Assess
    expect(afterGiveBacks?.status).toMatch(/^(accepted|submitting)$/);
    expect(record.error).toMatchObject({ code: 'validity_passed' });
    expect(record.history.map((h) => h.status).at(-1)).toBe('expired');
    expect(record.history.map((h) => h.status)).not.toContain('unknown');
    expect(await queueDepth(aws, rig.queues.urgentDlq)).toBe(0);
    expect(rig.simulator.messages).toHaveLength(0);
  }, 90_000);

  it('when a message’s validity has passed before it is received, then it ends expired and is not sent', async () => {
    // Prepare: accepted ten minutes ago with a five-minute validity (the bind-service was down).
    const rig = await startRig(aws, defer);
    const request = sendMessageSchema.parse({ to: mobile(2), text: 'Too late', validityMinutes: 5 });
    const acceptedAt = Date.now() - 10 * 60_000;
    // A fresh generator: the process's own one never goes back in time.
    const id = messageIdGenerator()(acceptedAt);
    const prepared = prepareMessage(request, rig.config.prepare);
    await rig.messages.createAccepted(
      acceptedMessageRecord({ id, request, prepared, now: new Date(acceptedAt) }),
    );
    // Act
    await rig.publisher.publish('urgent', { ...request, id, v: 1 });
    const record = await waitForRecord(rig, id, statusIs('expired', 'submitted', 'delivered'));
    await waitForEmptyQueue(aws, rig.queues.urgent);
    // Assess
    expect(record.status).toBe('expired');
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'expired']);
    expect(record.error?.description).toMatch(/validity of 5 minutes/);
    expect(rig.simulator.stats.submits).toBe(0);
    expect(await queueDepth(aws, rig.queues.urgentDlq)).toBe(0);
  });

  it('when a message waited in the queue, then the SMSC is given only what is left of its validity', async () => {
    // Prepare: accepted 50 minutes ago with a 60-minute validity (the bind-service was down).
    const rig = await startRig(aws, defer);
    const request = sendMessageSchema.parse({ to: mobile(3), text: 'Code 1234', validityMinutes: 60 });
    const acceptedAt = Date.now() - 50 * 60_000;
    const id = messageIdGenerator()(acceptedAt);
    const prepared = prepareMessage(request, rig.config.prepare);
    await rig.messages.createAccepted(
      acceptedMessageRecord({ id, request, prepared, now: new Date(acceptedAt) }),
    );
    // Act
    await rig.publisher.publish('urgent', { ...request, id, v: 1 });
    await waitForRecord(rig, id, statusIs('submitted', 'delivered'));
    // Assess: before, the SUBMIT_SM carried the whole 60 minutes, counted from the submit.
    const [submit] = rig.simulator.submissions;
    const validUntil = Date.parse(submit?.validityPeriod ?? '');
    expect(Math.abs(validUntil - (acceptedAt + 60 * 60_000))).toBeLessThan(5_000);
    await waitForEmptyQueue(aws, rig.queues.urgent);
  });

  it('when the SMSC throttles a 1-minute message for 5 s, then the SUBMIT_SM it takes carries only what is left of the minute', async () => {
    // Prepare: the login throttles every submit until told otherwise
    const rig = await startRig(aws, defer);
    rig.simulator.scriptLogin(ACCOUNT.systemId, { throttled: true });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(41), text: 'Code 4711', validityMinutes: 1 });
    const acceptedAt = messageIdTime(id);
    await waitUntil(() => rig.simulator.stats.throttled >= 1, 10_000, 'a throttled submit');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    rig.simulator.scriptLogin(ACCOUNT.systemId, { throttled: false });
    const record = await waitForRecord(rig, id, statusIs('submitted', 'delivered'));
    // Assess: one claim, resent after throttling and taken. The SMSC reads the relative period from
    // when it gets the SUBMIT_SM: before, every resend carried the first try's whole minute.
    expect(record.history.map((change) => change.status).slice(0, 3)).toEqual([
      'accepted',
      'submitting',
      'submitted',
    ]);
    const [submit] = rig.simulator.submissions;
    expect((submit?.at ?? 0) - acceptedAt).toBeGreaterThan(4_000);
    const validUntil = Date.parse(submit?.validityPeriod ?? '');
    expect(validUntil - (acceptedAt + 60_000)).toBeLessThan(2_000);
  });

  it('when the window is full and the SMSC answers slowly, then a message whose validity ends while it waits for a slot is not sent and ends expired', async () => {
    // Prepare: a window of one; the SMSC answers the first submit after 4 s. Two 1-minute messages,
    // accepted 57 s ago: 3 s of validity left each when they are received.
    const rig = await startRig(aws, defer, {
      env: { SMPP_WINDOW: '1', SMPP_RESPONSE_TIMEOUT_SECONDS: '10' },
    });
    rig.simulator.fault({ type: 'slow', delayMs: 4_000, count: 1 });
    const acceptedAt = Date.now() - 57_000;
    const validUntil = acceptedAt + 60_000;
    const newId = messageIdGenerator();
    const requests = [1, 2].map((i) =>
      sendMessageSchema.parse({ to: mobile(50 + i), text: `Code ${i}`, validityMinutes: 1 }),
    );
    const ids = requests.map(() => newId(acceptedAt));
    for (const [i, request] of requests.entries()) {
      const prepared = prepareMessage(request, rig.config.prepare);
      await rig.messages.createAccepted(
        acceptedMessageRecord({ id: ids[i] ?? '', request, prepared, now: new Date(acceptedAt) }),
      );
    }
    // Act: both published in one go, as they waited together in the queue.
    await rig.publisher.publishBatch(
      'urgent',
      requests.map((request, i) => ({ ...request, id: ids[i] ?? '', v: 1 as const })),
    );
    const records = await Promise.all(
      ids.map((id) =>
        waitForRecord(
          rig,
          id,
          statusIs('expired', 'submitted', 'delivered', 'undelivered', 'unknown'),
          20_000,
        ),
      ),
    );
    // Assess: before, the second went out after its validity, with a validity_period of 1 s, once
    // the first's answer freed the slot.
    const late = rig.simulator.submissions
      .filter((submit) => submit.at >= validUntil)
      .map((submit) => ({
        to: submit.destination,
        lateByMs: submit.at - validUntil,
        validity: submit.validityPeriod,
      }));
    const expired = records.filter((record) => record.status === 'expired');
    expect(late).toEqual([]);
    expect(expired.length).toBeGreaterThan(0);
    for (const record of expired) {
      expect(record.error?.code).toBe('validity_passed');
      expect(record.history.map((change) => change.status)).not.toContain('unknown');
    }
  }, 40_000);

  it('when a queue message without an id is invalid, then its dead letter names a rejected record that says why', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    // Act
    await publishRaw(aws, rig.queues.bulk, '{"v":1, "to": ');
    const [dead] = await receiveAll(aws, rig.queues.bulkDlq, 1);
    // Assess
    const id = dead?.MessageAttributes?.messageId?.StringValue ?? '';
    expect(dead?.MessageAttributes?.errorCode?.StringValue).toBe('invalid_json');
    const record = await rig.messages.get(id);
    expect(record).toMatchObject({ status: 'rejected', priority: 'bulk', error: { code: 'invalid_json' } });
    await waitForEmptyQueue(aws, rig.queues.bulk);
  });
});
