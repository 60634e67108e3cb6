import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '#core/observability/json-logger.ts';
import type { DynamoDbStreamRecord, StreamBatchResponse } from '#lambdas/status-stream/stream-event.ts';
import type { IdleSettings } from '#local/streams/idle-shard.ts';
import { type StreamPoller, startStreamPoller } from '#local/streams/stream-poller.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { elapse, waitUntil } from '#test/helpers/wait.ts';

// The local stand-in for Lambda's stream event source, on DynamoDB Local: records arrive in order in
// Lambda's shape, failed ones are offered again (alone), and a record that keeps failing is dropped
// with an error line instead of blocking the stream for ever.

describe('stream poller (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: false });
  const pollers: StreamPoller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  });

  async function start(
    handle: (records: DynamoDbStreamRecord[]) => Promise<StreamBatchResponse>,
    idle: IdleSettings = {},
  ) {
    const tables = await aws.freshTables();
    const { lines: logs, write } = captureLogs();
    const poller = await startStreamPoller({
      endpoint: aws.dynamoEndpoint,
      region: aws.region,
      tableName: tables.messages,
      handle,
      pollIntervalMs: 50,
      retryDelayMs: 20,
      maxAttempts: 3,
      ...idle,
      log: createLogger({ service: 'stream-poller', write }),
    });
    pollers.push(poller);
    return { table: tables.messages, logs, poller };
  }

  const put = (table: string, pk: string) =>
    aws.document.send(new PutCommand({ TableName: table, Item: { pk, status: 'accepted' } }));
  const update = (table: string, pk: string, status: string) =>
    aws.document.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status },
      }),
    );

  it('when items change, then the handler gets every change in order, with both images', async () => {
    // Prepare
    const seen: DynamoDbStreamRecord[] = [];
    const { table } = await start(async (records) => {
      seen.push(...records);
      return { batchItemFailures: [] };
    });
    // Act
    await put(table, 'MSG#1');
    await update(table, 'MSG#1', 'submitted');
    await update(table, 'MSG#1', 'delivered');
    await waitUntil(() => seen.length === 3, 5_000, 'three stream records');
    // Assess
    expect(seen.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'MODIFY']);
    expect(seen.map((record) => record.dynamodb?.NewImage?.status?.S)).toEqual([
      'accepted',
      'submitted',
      'delivered',
    ]);
    expect(seen[2]?.dynamodb?.OldImage?.status?.S).toBe('submitted');
  });

  it('when the handler reports a record as failed once, then that record alone is offered again', async () => {
    // Prepare
    const offered: string[][] = [];
    let failedOnce = false;
    const { table, poller } = await start(async (records) => {
      offered.push(records.map((record) => String(record.dynamodb?.Keys?.pk?.S)));
      const failing = records.find((record) => record.dynamodb?.Keys?.pk?.S === 'MSG#b');
      if (failing && !failedOnce) {
        failedOnce = true;
        return { batchItemFailures: [{ itemIdentifier: String(failing.dynamodb?.SequenceNumber) }] };
      }
      return { batchItemFailures: [] };
    });
    // Act
    await put(table, 'MSG#a');
    await put(table, 'MSG#b');
    await waitUntil(() => offered.flat().filter((pk) => pk === 'MSG#b').length === 2, 5_000, 'the retry');
    // Assess
    expect(offered.flat().filter((pk) => pk === 'MSG#a')).toHaveLength(1);
    expect(offered.at(-1)).toEqual(['MSG#b']);
    expect(poller.stats).toMatchObject({ retried: 1, dropped: 0 });
  });

  it('when a record keeps failing, then it is dropped after the last attempt with an error line', async () => {
    // Prepare
    let calls = 0;
    const { table, logs, poller } = await start(async (records) => {
      calls += 1;
      return {
        batchItemFailures: records.map((r) => ({ itemIdentifier: String(r.dynamodb?.SequenceNumber) })),
      };
    });
    // Act
    await put(table, 'MSG#c');
    await waitUntil(() => poller.stats.dropped === 1, 5_000, 'the drop');
    // Assess
    expect(calls).toBe(3);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'stream records dropped after retries', count: 1 }),
    );
  });

  it('when a shard has been idle, then it is read at the idle interval, and a change still arrives', async () => {
    // DynamoDB Local answers a GetRecords on an idle shard by scanning every stream record written
    // since the shard's last one, whatever the table (11.8 ms of its one SQLite thread at 40,000
    // records: `npm run bench -- dynamodb-local`), and every other request waits for that thread.
    // Prepare
    const seen: DynamoDbStreamRecord[] = [];
    const { table, poller } = await start(
      async (records) => {
        seen.push(...records);
        return { batchItemFailures: [] };
      },
      { idleAfterMs: 300, idleReadIntervalMs: 400 },
    );
    await elapse(500);
    // Act
    const readsBefore = poller.stats.reads;
    await elapse(1_200);
    const idleReads = poller.stats.reads - readsBefore;
    await put(table, 'MSG#late');
    await waitUntil(() => seen.length === 1, 5_000, 'the change after the idle spell');
    const readsAfterChange = poller.stats.reads;
    await elapse(400);
    const busyReads = poller.stats.reads - readsAfterChange;
    // Assess: every 50 ms would be about 24 reads in 1.2 s; every 400 ms about 3.
    expect(idleReads).toBeGreaterThanOrEqual(2);
    expect(idleReads).toBeLessThanOrEqual(5);
    // Once records come again, the shard is read at the poll interval (about 8 in 400 ms).
    expect(busyReads).toBeGreaterThanOrEqual(3);
  });
});
