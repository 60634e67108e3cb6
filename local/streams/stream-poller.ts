import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { createDynamoDbClients, createDynamoDbStreamsClient } from '#core/aws/clients.ts';
import type { Logger } from '#core/observability/logger.ts';
import {
  type DynamoDbStreamRecord,
  recordIdentifier,
  type StreamBatchResponse,
} from '#lambdas/status-stream/stream-event.ts';
import { type IdleSettings, restingIdle, type ShardActivity } from '#local/streams/idle-shard.ts';
import { toLambdaRecord } from '#local/streams/stream-records.ts';

// What Lambda's event source mapping does in AWS, for DynamoDB Local: read every shard of the table's
// stream in order, hand batches to the status handler, and retry the records it reports as failed
// (here only those records, a few times, rather than Lambda's retry-from-checkpoint: good enough for
// one machine). Shards close and are replaced over time; children are read once their parent is done.

/** With IdleSettings: how a shard without records is read (idle-shard.ts). */
export interface StreamPollerOptions extends IdleSettings {
  endpoint: string;
  region: string;
  tableName: string;
  handle: (records: DynamoDbStreamRecord[]) => Promise<StreamBatchResponse>;
  /** Pause between rounds unless a shard returned a full page; default 250 ms. */
  pollIntervalMs?: number;
  /** Where reading starts in the shards open at start; default TRIM_HORIZON (everything kept). */
  startAt?: Extract<ShardIteratorType, 'TRIM_HORIZON' | 'LATEST'>;
  /** Handler calls per failed record before it is dropped with an error line; default 5. */
  maxAttempts?: number;
  retryDelayMs?: number;
  log: Logger;
}

export interface StreamPollerStats {
  /** GetRecords calls. */
  reads: number;
  records: number;
  batches: number;
  retried: number;
  dropped: number;
}

export interface StreamPoller {
  readonly streamArn: string;
  readonly stats: StreamPollerStats;
  stop(): Promise<void>;
}

interface ShardReader extends ShardActivity {
  shardId: string;
  parentShardId?: string;
  iterator?: string;
  lastSequence?: string;
  done: boolean;
}

const GET_RECORDS_LIMIT = 1000;
/** How often the shard list is read again when no shard closed. */
const DESCRIBE_INTERVAL_MS = 2_000;

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const streamArn = await latestStreamArn(options);
  const poller = new Poller(options, streamArn);
  await poller.start();
  return poller;
}

async function latestStreamArn(options: StreamPollerOptions): Promise<string> {
  const { dynamo } = createDynamoDbClients({ region: options.region, endpoint: options.endpoint });
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${options.tableName} has no stream`);
    return Table.LatestStreamArn;
  } finally {
    dynamo.destroy();
  }
}

class Poller implements StreamPoller {
  readonly stats: StreamPollerStats = { reads: 0, records: 0, batches: 0, retried: 0, dropped: 0 };
  private readonly client: DynamoDBStreamsClient;
  private readonly shards = new Map<string, ShardReader>();
  /** Every shard ever listed, so a finished one is not read again when the list is read again. */
  private readonly seen = new Set<string>();
  private running = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastDescribe = 0;
  private shardClosed = false;

  constructor(
    private readonly options: StreamPollerOptions,
    readonly streamArn: string,
  ) {
    this.client = createDynamoDbStreamsClient({ region: options.region, endpoint: options.endpoint });
  }

  async start(): Promise<void> {
    await this.discoverShards(this.options.startAt ?? 'TRIM_HORIZON');
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.client.destroy();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        // A closed shard has children to read: look for them at once rather than at the next listing.
        if (this.shardClosed || Date.now() - this.lastDescribe > DESCRIBE_INTERVAL_MS) {
          this.shardClosed = false;
          await this.discoverShards('TRIM_HORIZON');
        }
        // Like Lambda's poller (about four GetRecords a second per shard): reading again at once after
        // every non-empty answer would keep DynamoDB Local busy and slow the writes of everyone else.
        const backlog = await this.readRound();
        if (!backlog) await this.pause(this.options.pollIntervalMs ?? 250);
      } catch (error) {
        // DynamoDB Local going away (stop order, a crash) must not end the process; stop() ends the loop.
        if (!this.running) return;
        this.options.log.warn('stream poll failed', { error: describe(error) });
        await this.pause(1_000);
      }
    }
  }

  /** One GetRecords per readable shard; true when one returned a full page (more is waiting). */
  private async readRound(): Promise<boolean> {
    let backlog = false;
    const now = Date.now();
    for (const shard of this.shards.values()) {
      if (!this.running) return backlog;
      if (shard.done || !this.parentDone(shard) || restingIdle(shard, now, this.options)) continue;
      if (await this.readShard(shard)) backlog = true;
    }
    // A finished shard is forgotten: a child whose parent is gone counts the parent as done.
    for (const [id, shard] of this.shards) if (shard.done) this.shards.delete(id);
    return backlog;
  }

  /** Reads one page; true when it was full. */
  private async readShard(shard: ShardReader): Promise<boolean> {
    shard.iterator ??= await this.iterator(
      shard,
      shard.lastSequence ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
    );
    let answer: Awaited<ReturnType<typeof this.getRecords>>;
    shard.lastReadAt = Date.now();
    try {
      answer = await this.getRecords(shard.iterator);
    } catch (error) {
      if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException))
        throw error;
      shard.iterator = undefined;
      return false;
    }
    const records = answer.Records ?? [];
    if (answer.NextShardIterator) shard.iterator = answer.NextShardIterator;
    else {
      shard.done = true;
      this.shardClosed = true;
    }
    if (records.length === 0) return false;
    shard.recordsAt = Date.now();
    const batch = records.map((record) => toLambdaRecord(record, this.streamArn));
    await this.deliver(batch);
    shard.lastSequence = batch.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequence;
    return records.length >= GET_RECORDS_LIMIT;
  }

  private getRecords(iterator: string) {
    this.stats.reads += 1;
    return this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT }));
  }

  /** Calls the handler, then again with only the records it reported, until none is left or attempts run out. */
  private async deliver(batch: DynamoDbStreamRecord[]): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let pending = batch;
    this.stats.records += batch.length;
    for (let attempt = 1; pending.length > 0; attempt++) {
      this.stats.batches += 1;
      let failedIds: Set<string>;
      try {
        const { batchItemFailures } = await this.options.handle(pending);
        failedIds = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
      } catch (error) {
        // A thrown handler fails the whole batch, as in Lambda.
        this.options.log.error('status handler threw', { error: describe(error) });
        failedIds = new Set(pending.map(recordIdentifier));
      }
      pending = pending.filter((record) => failedIds.has(recordIdentifier(record)));
      if (pending.length === 0) return;
      if (attempt >= maxAttempts || !this.running) {
        this.stats.dropped += pending.length;
        this.options.log.error('stream records dropped after retries', {
          count: pending.length,
          attempts: attempt,
        });
        return;
      }
      this.stats.retried += pending.length;
      await this.pause((this.options.retryDelayMs ?? 500) * attempt);
    }
  }

  private async discoverShards(startAt: ShardIteratorType): Promise<void> {
    const now = Date.now();
    this.lastDescribe = now;
    const shards: Shard[] = [];
    let startId: string | undefined;
    do {
      const { StreamDescription } = await this.client.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: startId }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      startId = StreamDescription?.LastEvaluatedShardId;
    } while (startId);
    for (const shard of shards) {
      if (!shard.ShardId || this.seen.has(shard.ShardId)) continue;
      this.seen.add(shard.ShardId);
      const reader: ShardReader = { shardId: shard.ShardId, done: false, recordsAt: now, lastReadAt: 0 };
      if (shard.ParentShardId) reader.parentShardId = shard.ParentShardId;
      // Shards open at start begin where asked; any shard found later is read from its beginning.
      if (startAt === 'LATEST' && !shard.SequenceNumberRange?.EndingSequenceNumber) {
        reader.iterator = await this.iterator(reader, 'LATEST');
      } else if (startAt === 'LATEST') {
        reader.done = true;
      }
      this.shards.set(shard.ShardId, reader);
    }
  }

  private async iterator(shard: ShardReader, type: ShardIteratorType): Promise<string> {
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shard.shardId,
        ShardIteratorType: type,
        ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: shard.lastSequence } : {}),
      }),
    );
    if (!ShardIterator) throw new Error(`no iterator for shard ${shard.shardId}`);
    return ShardIterator;
  }

  /** A child shard is read only after its parent, so one item's changes stay in order. */
  private parentDone(shard: ShardReader): boolean {
    if (!shard.parentShardId) return true;
    const parent = this.shards.get(shard.parentShardId);
    return parent === undefined || parent.done;
  }

  private pause(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
