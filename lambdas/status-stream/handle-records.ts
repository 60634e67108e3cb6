import type { CallbackEnqueuer, CallbackJob } from '#core/aws/queues/callback-job.ts';
import { refusalFields } from '#core/aws/refusal.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { EventPublisher, InboundPublisher } from './event-publishers.ts';
import { inboundEventOf } from './inbound-event.ts';
import { type StatusChange, statusChangeOf } from './status-event.ts';
import { type DynamoDbStreamRecord, recordIdentifier, type StreamBatchResponse } from './stream-event.ts';

// The one job of the status consumer: turn a batch of stream records into events and callback jobs,
// and name the records that must be tried again. Callbacks are not posted here: each is queued for
// the callback worker (lambdas/callbacks), so a receiver that is slow or dead costs its own retries
// and never fails a stream record (which would hold the shard and resend everyone's events).
//
// Delivery is at least once: Lambda retries from the lowest failed record, so records after it are
// seen twice. Consumers de-duplicate on (id, status, sequence). A record fails only when its event
// or its callback job was not taken; then that message's later records are reported as failed too.
// Its error line carries AWS's reason (errorCode, reason): the only place an operator learns it.

export interface StatusStreamPorts {
  publishEvents: EventPublisher;
  /** InboundMessageReceived events, from the inbound table's stream; absent: no inbound stream is read. */
  publishInbound?: InboundPublisher;
  enqueueCallbacks: CallbackEnqueuer;
  log: Logger;
}

interface Pending {
  record: DynamoDbStreamRecord;
  change: StatusChange;
}

export async function handleStreamRecords(
  records: readonly DynamoDbStreamRecord[],
  ports: StatusStreamPorts,
): Promise<StreamBatchResponse> {
  const pending = changesOf(records, ports.log);
  const failed = new Set<DynamoDbStreamRecord>();

  const published = await ports.publishEvents(pending.map(({ change }) => change.event));
  pending.forEach(({ record, change }, index) => {
    if (published[index] === true) return;
    failed.add(record);
    ports.log.error('status event not published', {
      id: change.event.id,
      status: change.event.status,
      ...refusalFields(published[index]),
    });
  });

  // Blocked before the jobs are queued: a later change that comes back with the retry must not have
  // had its callback queued already (it would be posted twice, and before the earlier change's).
  failLaterChanges(pending, failed);
  await enqueueCallbacks(pending, failed, ports);
  failLaterChanges(pending, failed);
  await publishInbound(records, failed, ports);

  return {
    batchItemFailures: records
      .filter((record) => failed.has(record))
      .map((record) => ({ itemIdentifier: recordIdentifier(record) })),
  };
}

/**
 * One job per published change that asked for callbacks; a job not taken fails its record. A
 * message's jobs go in rounds, its n-th in round n, and only after its earlier ones were taken: a
 * later job taken while an earlier one was not would come again with the retry (posted twice, and
 * before the earlier change's). Nearly every batch holds one change a message: one round.
 */
async function enqueueCallbacks(
  pending: readonly Pending[],
  failed: Set<DynamoDbStreamRecord>,
  ports: StatusStreamPorts,
): Promise<void> {
  const rounds: { record: DynamoDbStreamRecord; job: CallbackJob }[][] = [];
  const jobsOf = new Map<string, number>();
  for (const { record, change } of pending) {
    if (failed.has(record) || change.callbackUrl === undefined) continue;
    const round = jobsOf.get(change.event.id) ?? 0;
    jobsOf.set(change.event.id, round + 1);
    const job = { callbackUrl: change.callbackUrl, event: change.event };
    if (round === rounds.length) rounds.push([]);
    rounds[round]?.push({ record, job });
  }
  const refused = new Set<string>();
  for (const round of rounds) {
    const due = round.filter(({ job }) => !refused.has(job.event.id));
    if (due.length === 0) continue;
    const taken = await ports.enqueueCallbacks(due.map(({ job }) => job));
    due.forEach(({ record, job }, index) => {
      if (taken[index] === true) return;
      failed.add(record);
      refused.add(job.event.id);
      ports.log.error('callback job not queued', {
        id: job.event.id,
        status: job.event.status,
        ...refusalFields(taken[index]),
      });
    });
  }
}

/** Incoming messages (records of the inbound table); an event not taken fails its record. */
async function publishInbound(
  records: readonly DynamoDbStreamRecord[],
  failed: Set<DynamoDbStreamRecord>,
  ports: StatusStreamPorts,
): Promise<void> {
  const publish = ports.publishInbound;
  if (!publish) return;
  const inbound = readAll(records, inboundEventOf, ports.log);
  if (inbound.length === 0) return;
  const taken = await publish(inbound.map(({ change }) => change));
  inbound.forEach(({ record, change }, index) => {
    if (taken[index] === true) return;
    failed.add(record);
    ports.log.error('inbound event not published', { id: change.id, ...refusalFields(taken[index]) });
  });
}

/** After a message's failed record, its later records fail too: a retry then keeps their order. */
function failLaterChanges(pending: readonly Pending[], failed: Set<DynamoDbStreamRecord>): void {
  const blocked = new Set<string>();
  for (const { record, change } of pending) {
    if (blocked.has(change.event.id)) failed.add(record);
    else if (failed.has(record)) blocked.add(change.event.id);
  }
}

function changesOf(records: readonly DynamoDbStreamRecord[], log: Logger): Pending[] {
  return readAll(records, statusChangeOf, log);
}

function readAll<Change>(
  records: readonly DynamoDbStreamRecord[],
  read: (record: DynamoDbStreamRecord) => Change | undefined,
  log: Logger,
): { record: DynamoDbStreamRecord; change: Change }[] {
  const pending: { record: DynamoDbStreamRecord; change: Change }[] = [];
  for (const record of records) {
    try {
      const change = read(record);
      if (change) pending.push({ record, change });
    } catch (error) {
      // An image that cannot be read now never will be: retrying would only stall the shard.
      log.error('stream record skipped: unreadable image', {
        record: recordIdentifier(record),
        error: error instanceof Error ? error.message : 'unknown',
      });
    }
  }
  return pending;
}
