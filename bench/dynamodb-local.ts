// What one request costs DynamoDB Local as stream records pile up. It keeps every stream's records in
// one SQLite table indexed only by sequence number, so a request that looks for one shard's records
// scans past everyone else's. Two stream tables as in the local stack: `busy` takes writes (~1 KB
// items, like the messages table in a drain), `idle` takes none (like the inbound table). At each
// size the JVM's CPU per call is read from /proc. The local stream poller's idle-shard interval
// (local/streams/idle-shard.ts) rests on these figures; docs/benchmarks.md has a run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients, createDynamoDbStreamsClient } from '#core/aws/clients.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { readProcessCpuMs } from './pipeline/cpu-time.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SIZES = [0, 10_000, 40_000];
/** 40 calls a figure: /proc counts CPU in 10 ms ticks, so a figure is good to 0.25 ms. */
const CALLS = 40;
const WRITERS = 16;
const REGION = 'eu-west-1';
const ITEM_FILLER = 'x'.repeat(900);

const db = await startDynamoDbLocal();
if (db.pid === undefined) throw new Error('DynamoDB Local has no process id');
const pid: number = db.pid;
const { dynamo, document } = createDynamoDbClients({ region: REGION, endpoint: db.endpoint });
const streams = createDynamoDbStreamsClient({ region: REGION, endpoint: db.endpoint });

async function streamTable(name: string): Promise<{ arn: string; shardId: string }> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
  const arn = Table?.LatestStreamArn;
  if (!arn) throw new Error(`table ${name} has no stream`);
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  const shardId = StreamDescription?.Shards?.[0]?.ShardId;
  if (!shardId) throw new Error(`stream of ${name} has no shard`);
  return { arn, shardId };
}

let written = 0;
async function writeBusyUntil(total: number): Promise<void> {
  const writer = async () => {
    while (written < total) {
      const index = written++;
      await document.send(
        new PutCommand({ TableName: 'busy', Item: { pk: `MSG#${index}`, filler: ITEM_FILLER } }),
      );
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

/** The JVM's CPU-ms per call, over CALLS calls one after another. */
async function jvmMsPerCall(call: () => Promise<unknown>): Promise<number> {
  const before = readProcessCpuMs(pid);
  for (let done = 0; done < CALLS; done++) await call();
  const after = readProcessCpuMs(pid);
  if (before === undefined || after === undefined) throw new Error('no /proc: this benchmark needs Linux');
  return Math.round(((after - before) / CALLS) * 10) / 10;
}

try {
  await streamTable('busy');
  const idle = await streamTable('idle');
  const first = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: idle.arn,
      ShardId: idle.shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  let idleIterator = first.ShardIterator;
  const rows = [];
  // The first size (0) runs on a cold JIT: compare the later two.
  for (const records of SIZES) {
    await writeBusyUntil(records);
    const row = {
      busyTableRecords: records,
      getRecordsIdleShardMs: await jvmMsPerCall(async () => {
        const answer = await streams.send(new GetRecordsCommand({ ShardIterator: idleIterator }));
        idleIterator = answer.NextShardIterator;
      }),
      getItemIdleStreamTableMs: await jvmMsPerCall(() =>
        document.send(new GetCommand({ TableName: 'idle', Key: { pk: 'absent' } })),
      ),
      getItemBusyTableMs: await jvmMsPerCall(() =>
        document.send(new GetCommand({ TableName: 'busy', Key: { pk: 'absent' } })),
      ),
      describeIdleStreamMs: await jvmMsPerCall(() =>
        streams.send(new DescribeStreamCommand({ StreamArn: idle.arn })),
      ),
    };
    rows.push(row);
    console.log(
      `after ${String(records).padStart(6)} records of ~1 KB in the busy table, DynamoDB Local CPU-ms a call: ` +
        `GetRecords on the idle shard ${row.getRecordsIdleShardMs}, GetItem on the idle stream's table ` +
        `${row.getItemIdleStreamTableMs}, GetItem on the busy table ${row.getItemBusyTableMs}, ` +
        `DescribeStream of the idle stream ${row.describeIdleStreamMs}`,
    );
  }
  const results = join(here, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'dynamodb-local.json'), `${JSON.stringify(rows, null, 2)}\n`);
  console.log('\nwritten: bench/results/dynamodb-local.json');
} finally {
  dynamo.destroy();
  streams.destroy();
  await db.stop();
}
