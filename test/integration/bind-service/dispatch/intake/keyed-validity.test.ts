import { describe, expect, it } from 'vitest';
import { keyedMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { queueMessageSchema } from '#core/domain/requests/message-schema.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { elapse } from '#test/helpers/wait.ts';
import { messageRecords, publishRaw, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';
import { rigSweeper } from '../rig-sweeper.ts';

// An id derived from an idempotency key has no time (its ULID time is 0), so the validity of a
// keyed message was counted from the SentTimestamp of whichever SQS copy was received. The sweeper
// enqueues an `accepted` record again as a fresh SQS message: a keyed message accepted long ago got
// its whole validity again and was sent after it had passed (a one-minute code ten minutes late).
// Every body the sweeper or the API enqueues now carries the record's `acceptedAt`.
// A direct publisher may say when it accepted a message too (README, "Straight to SQS"): its
// `acceptedAt` counts even when the id has a time of its own (one derived from the SQS message
// carries SentTimestamp), or a code accepted long before it was published went out late.

const MINUTE_MS = 60_000;

describe('the validity of a keyed message the sweeper enqueues again (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a keyed message accepted 10 minutes ago with a 1-minute validity is swept, then it ends expired and is never submitted', async () => {
    // Prepare: the record a straight-to-SQS keyed message got 10 minutes ago, left `accepted` (its
    // own queue message gone: a stop before the claim, then the redrive, or a purge).
    const rig = await startRig(aws, defer);
    const raw = {
      v: 1,
      to: '+79991234567',
      text: 'Your code is 1234',
      validityMinutes: 1,
      idempotencyKey: 'otp-1',
    };
    const message = queueMessageSchema.parse(raw);
    const id = keyedMessageId('', 'otp-1', raw);
    const acceptedAt = new Date(Date.now() - 10 * MINUTE_MS);
    await rig.messages.createAccepted(
      acceptedMessageRecord({
        id,
        request: message,
        prepared: prepareMessage(message, rig.config.prepare),
        now: acceptedAt,
      }),
    );
    // Act: one sweep, and the bind-service works the copy it enqueues.
    const sweeper = rigSweeper(aws, rig);
    defer(() => sweeper.destroy());
    const swept = await sweeper.run();
    const record = await waitForRecord(
      rig,
      id,
      statusIs('expired', 'submitted', 'delivered', 'undelivered'),
      10_000,
    );
    // Assess
    expect({
      enqueued: swept.enqueued,
      status: record.status,
      error: record.error?.code,
      submits: rig.simulator.stats.submits,
    }).toEqual({ enqueued: 1, status: 'expired', error: 'validity_passed', submits: 0 });
  }, 30_000);
});

describe('the validity of a straight-to-SQS message that says when it was accepted (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a message without id or key, accepted 10 minutes ago with a 1-minute validity, is published, then it ends expired and is never submitted', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const acceptedAt = new Date(Date.now() - 10 * MINUTE_MS);
    const body = {
      v: 1,
      to: '+79991234567',
      text: 'Your code is 1234',
      validityMinutes: 1,
      acceptedAt: acceptedAt.toISOString(),
    };
    // Act: its id is derived from the SQS message, so its time is SentTimestamp, now.
    await publishRaw(aws, rig.queues.urgent, JSON.stringify(body));
    let id = '';
    for (let polls = 0; polls < 200 && id === ''; polls++) {
      id = (await messageRecords(aws, rig.tables.messages))[0]?.id ?? '';
      if (id === '') await elapse(50);
    }
    const record = await waitForRecord(
      rig,
      id,
      statusIs('expired', 'submitted', 'delivered', 'undelivered'),
      10_000,
    );
    // Assess: before, the id's time hid `acceptedAt` and the one-minute code went out nine minutes
    // after its validity ended; its record said it was accepted on publishing.
    expect({
      status: record.status,
      error: record.error?.code,
      createdAt: record.createdAt,
      submits: rig.simulator.stats.submits,
    }).toEqual({
      status: 'expired',
      error: 'validity_passed',
      createdAt: acceptedAt.toISOString(),
      submits: 0,
    });
  }, 30_000);
});
