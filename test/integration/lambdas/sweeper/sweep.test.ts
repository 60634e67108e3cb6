import { afterEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { loadSweeperConfig } from '#lambdas/sweeper/config.ts';
import { createSweeper, type Sweeper, SweepIncompleteError } from '#lambdas/sweeper/run.ts';
import { type AcceptedBody, type ApiStack, jsonOf, useApiHarness } from '#test/helpers/api/api-harness.ts';

// The sweeper against DynamoDB Local and fauxqs: records left `accepted` with nothing queued are
// enqueued again with the API's own body, once per run; claimed or young records are left alone.

const MINUTE_MS = 60_000;

describe('sweeper: accepted records never enqueued (DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();
  const sweepers: Sweeper[] = [];

  afterEach(() => {
    for (const sweeper of sweepers.splice(0)) sweeper.destroy();
  });

  /** A sweeper on the stack's table and queues whose clock reads `at()`; its log lines in `logs`. */
  function sweeperFor(
    api: ApiStack,
    at: () => Date,
    logs: Record<string, unknown>[] = [],
    urgentQueueUrl = api.queues.urgent,
  ) {
    const config = loadSweeperConfig({
      MESSAGES_TABLE: api.tables.messages,
      URGENT_QUEUE_URL: urgentQueueUrl,
      BULK_QUEUE_URL: api.queues.bulk,
      AWS_REGION: harness.aws.region,
      AWS_ENDPOINT_URL_DYNAMODB: harness.aws.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: harness.aws.sqsEndpoint,
    });
    const sweeper = createSweeper(config, (line) => logs.push(line), at);
    sweepers.push(sweeper);
    return sweeper;
  }

  it('when an accepted record lost its queue message, then one sweep enqueues the API body again, once, and the next run does not', async () => {
    // Prepare: the API stores and enqueues; the queue message is then lost (drained), as if the
    // Lambda had died before its publish
    const api = await harness.start();
    const request = {
      to: '+79991234567',
      text: 'Код 1234 🔑',
      priority: 'bulk',
      encoding: 'ucs2',
      validityMinutes: 60,
      clientRef: 'order-7',
    };
    const { id } = await jsonOf<AcceptedBody>(await api.post('/v1/messages', request));
    const [apiBody] = await harness.drain(api.queues.bulk);
    const logs: Record<string, unknown>[] = [];
    const later = new Date(Date.now() + 6 * MINUTE_MS);
    const sweeper = sweeperFor(api, () => later, logs);
    // Act
    const first = await sweeper.run();
    const afterFirst = await harness.drain(api.queues.bulk);
    const second = await sweeper.run();
    const afterSecond = await harness.drain(api.queues.bulk);
    // Assess
    expect(apiBody).toMatchObject({ id, encoding: 'ucs2', validityMinutes: 60 });
    expect(afterFirst).toEqual([apiBody]);
    expect(first).toEqual({ due: 1, enqueued: 1, skipped: 0, failed: 0 });
    expect(second).toEqual({ due: 0, enqueued: 0, skipped: 0, failed: 0 });
    expect(afterSecond).toEqual([]);
    expect(await harness.drain(api.queues.urgent)).toEqual([]);
    expect(logs).toEqual([
      expect.objectContaining({ msg: 'sweep', due: 1, enqueued: 1 }),
      expect.objectContaining({ msg: 'sweep', due: 0, enqueued: 0 }),
    ]);
    expect(JSON.stringify(logs)).not.toMatch(/7999|Код|order-7/);
  });

  it('when records are claimed, failed or younger than the sweep age, then the sweep leaves them alone', async () => {
    // Prepare
    const api = await harness.start();
    const bindService = new MessageRepository(harness.aws.document, api.tables.messages);
    const post = async (text: string) =>
      (await jsonOf<AcceptedBody>(await api.post('/v1/messages', { to: '+79991234567', text }))).id;
    const claimed = await post('Claimed');
    const failed = await post('Failed');
    const waiting = await post('Waiting');
    await bindService.claimForSubmit(claimed);
    await bindService.claimForSubmit(failed);
    await bindService.markFailed(failed, { code: 88, name: 'ESME_RTHROTTLED', description: 'test' });
    await harness.drain(api.queues.urgent);
    const logs: Record<string, unknown>[] = [];
    // Act: 6 minutes on, then only 1 minute on (before any record is due)
    const early = await sweeperFor(api, () => new Date(Date.now() + MINUTE_MS), logs).run();
    const due = await sweeperFor(api, () => new Date(Date.now() + 6 * MINUTE_MS), logs).run();
    // Assess
    expect(early).toMatchObject({ due: 0, enqueued: 0 });
    expect(due).toMatchObject({ due: 1, enqueued: 1, failed: 0 });
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id: waiting })]);
  });

  it('when a record was written without any enqueue and its claim was given back, then each is found and enqueued on its lane', async () => {
    // Prepare: one record created through the repository alone; one claimed then released (nothing
    // went on the wire), which puts it back among the accepted
    const api = await harness.start();
    const repository = new MessageRepository(harness.aws.document, api.tables.messages);
    const now = new Date();
    const request = sendMessageSchema.parse({ to: '+79991234567', text: 'Never queued' });
    const record = acceptedMessageRecord({
      id: newMessageId(now.getTime()),
      request,
      prepared: prepareMessage(request, { isoMode: false, maxParts: 10 }),
      now,
    });
    await repository.createAccepted(record);
    const released = (
      await jsonOf<AcceptedBody>(
        await api.post('/v1/messages', { to: '+79991234568', text: 'Released', priority: 'bulk' }),
      )
    ).id;
    await harness.drain(api.queues.bulk);
    await repository.claimForSubmit(released);
    await repository.releaseClaim(released);
    // Act
    const counts = await sweeperFor(api, () => new Date(Date.now() + 6 * MINUTE_MS)).run();
    // Assess
    expect(counts).toMatchObject({ due: 2, enqueued: 2 });
    expect(await harness.drain(api.queues.urgent)).toEqual([
      {
        v: 1,
        id: record.id,
        to: '+79991234567',
        text: 'Never queued',
        kind: 'sms',
        priority: 'urgent',
        encoding: 'auto',
      },
    ]);
    expect(await harness.drain(api.queues.bulk)).toEqual([expect.objectContaining({ id: released })]);
  });

  it('when its enqueues fail for a day, then the record stays within the look-back and the first sweep that can enqueues it', async () => {
    // Prepare: stored and enqueued, then the queue message lost
    const api = await harness.start();
    const { id } = await jsonOf<AcceptedBody>(
      await api.post('/v1/messages', { to: '+79991234567', text: 'Lost', validityMinutes: 4320 }),
    );
    await harness.drain(api.queues.urgent);
    const start = Date.now();
    const at = (minutes: number) => () => new Date(start + minutes * MINUTE_MS);
    const noQueue = `${api.queues.urgent}-gone`;
    // Act: runs whose every enqueue fails (the queue is not there) after 6 minutes and 20 hours,
    // then one that can, after 25 hours
    const countsOf = (error: unknown) => (error instanceof SweepIncompleteError ? error.counts : error);
    const failing = [
      await sweeperFor(api, at(6), [], noQueue).run().catch(countsOf),
      await sweeperFor(api, at(20 * 60), [], noQueue)
        .run()
        .catch(countsOf),
    ];
    const working = await sweeperFor(api, at(25 * 60)).run();
    // Assess
    expect(failing).toEqual([
      { due: 1, enqueued: 0, skipped: 0, failed: 1 },
      { due: 1, enqueued: 0, skipped: 0, failed: 1 },
    ]);
    expect(working).toMatchObject({ due: 1, enqueued: 1 });
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id })]);
  });
});
