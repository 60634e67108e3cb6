import type { Logger } from '#core/observability/logger.ts';
import { CallbackError } from './callback.ts';
import { CallbackRefusedError, type CallbackSender } from './callback-sender.ts';
import type { EventPublisher } from './event-publishers.ts';
import { type StatusChange, statusChangeOf } from './status-event.ts';
import { type DynamoDbStreamRecord, recordIdentifier, type StreamBatchResponse } from './stream-event.ts';

// The one job of the status consumer: turn a batch of stream records into events and signed
// callbacks, and name the records that must be tried again.
//
// Delivery is at least once: Lambda retries from the lowest failed record, so records after it are
// seen twice. Consumers de-duplicate on (id, status, at). Within one message the order is kept: after
// a failure, that message's later changes are not sent but reported as failed too.

export interface StatusStreamPorts {
  publishEvents: EventPublisher;
  sendCallback: CallbackSender;
  log: Logger;
  /** Messages whose callbacks are sent at the same time; default 16. */
  callbackConcurrency?: number;
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
    ports.log.error('status event not published', { id: change.event.id, status: change.event.status });
  });

  await sendCallbacks(pending, failed, ports);

  return {
    batchItemFailures: records
      .filter((record) => failed.has(record))
      .map((record) => ({ itemIdentifier: recordIdentifier(record) })),
  };
}

function changesOf(records: readonly DynamoDbStreamRecord[], log: Logger): Pending[] {
  const pending: Pending[] = [];
  for (const record of records) {
    try {
      const change = statusChangeOf(record);
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

/** Per message in stream order, messages side by side (bounded). */
async function sendCallbacks(
  pending: readonly Pending[],
  failed: Set<DynamoDbStreamRecord>,
  ports: StatusStreamPorts,
): Promise<void> {
  const byMessage = new Map<string, Pending[]>();
  for (const item of pending) {
    const list = byMessage.get(item.change.event.id);
    if (list) list.push(item);
    else byMessage.set(item.change.event.id, [item]);
  }
  const queue = [...byMessage.values()];
  const worker = async () => {
    for (let items = queue.shift(); items !== undefined; items = queue.shift()) {
      await sendInOrder(items, failed, ports);
    }
  };
  const concurrency = Math.max(1, ports.callbackConcurrency ?? 16);
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
}

async function sendInOrder(
  items: readonly Pending[],
  failed: Set<DynamoDbStreamRecord>,
  ports: StatusStreamPorts,
): Promise<void> {
  let blocked = false;
  for (const { record, change } of items) {
    if (blocked || failed.has(record)) {
      blocked = true;
      failed.add(record);
      continue;
    }
    if (change.callbackUrl === undefined) continue;
    const { id, status } = change.event;
    try {
      await ports.sendCallback(change.callbackUrl, change.event);
    } catch (error) {
      if (error instanceof CallbackRefusedError) {
        ports.log.warn('callback refused', { id, status, reason: error.reason });
        continue;
      }
      blocked = true;
      failed.add(record);
      ports.log.warn('callback failed', {
        id,
        status,
        target: urlOrigin(change.callbackUrl),
        reason:
          error instanceof CallbackError ? error.message : error instanceof Error ? error.name : 'unknown',
        ...(error instanceof CallbackError && error.status !== undefined ? { httpStatus: error.status } : {}),
      });
    }
  }
}

/** Where a URL points, without path or query (it may carry the receiver's token): enough to tell receivers apart. */
function urlOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : 'invalid-url';
}
