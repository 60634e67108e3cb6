import { MessageNotFoundError } from '#core/aws/errors.ts';
import type { DueAccepted, DueQuery } from '#core/aws/messages/attention/attention.ts';
import type { TransitionResult } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';

// The sweeper: a message recorded `accepted` whose enqueue never happened (the api Lambda killed
// between its store and its publish, a caller that never retried) would wait for ever. Every run
// finds `accepted` records older than the sweep age in the byAttention index and enqueues each on its
// lane, with the very body the API builds. That is safe even when the first enqueue did happen (the
// message only waits behind a backlog): the bind-service claims a message once and deletes any copy.
// Each enqueued record is looked at again only after its age has doubled, so a long backlog costs a
// few copies per message, not one per run.

/** The records the sweeper looks through (the DynamoDB adapter is one). */
export interface SweptRecords {
  findDueAccepted(query: DueQuery): Promise<DueAccepted[]>;
  get(id: string): Promise<MessageRecord | undefined>;
  rescheduleAccepted(id: string, expectedAt: string, nextAt: string): Promise<TransitionResult>;
}

export interface SweepDeps {
  messages: SweptRecords;
  queues: { publish(lane: Priority, body: object): Promise<string> };
  clock: () => Date;
}

export interface SweepOptions {
  /** An `accepted` record this old is enqueued again. */
  ageSeconds: number;
  /** Index hours looked at, back from now: a record due longer ago than this is not found. */
  lookbackHours: number;
  /** Records handled per run at most; the rest wait for the next run. */
  maxPerRun: number;
  /** Records handled at once. */
  concurrency: number;
}

export interface SweepCounts {
  /** Index entries due. */
  due: number;
  /** Enqueued again. */
  enqueued: number;
  /** Claimed, finished or gone by the time they were read: nothing to do. */
  skipped: number;
  /** Their enqueue or reschedule failed; the next run tries them again. */
  failed: number;
}

/** The longest wait before a record is looked at again, however old it is. */
const MAX_INTERVAL_MS = 6 * 3_600_000;

export async function sweepAccepted(deps: SweepDeps, options: SweepOptions): Promise<SweepCounts> {
  const now = deps.clock();
  const ageMs = options.ageSeconds * 1_000;
  const due = await deps.messages.findDueAccepted({
    dueBy: new Date(now.getTime() - ageMs),
    lookbackHours: options.lookbackHours,
    limit: options.maxPerRun,
  });
  const counts: SweepCounts = { due: due.length, enqueued: 0, skipped: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    for (let entry = due[next++]; entry !== undefined; entry = due[next++]) {
      counts[await sweepOne(deps, entry, now, ageMs)] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, due.length) }, worker));
  return counts;
}

async function sweepOne(
  deps: SweepDeps,
  entry: { id: string; attentionAt: string; status: string },
  now: Date,
  ageMs: number,
): Promise<'enqueued' | 'skipped' | 'failed'> {
  if (entry.status !== 'accepted') return 'skipped';
  try {
    // The index lags the table: a consistent read says whether it is still waiting.
    const record = await deps.messages.get(entry.id);
    if (record?.status !== 'accepted') return 'skipped';
    await deps.queues.publish(record.priority, queueBodyOf(record));
    // Next look once its age has doubled (at least one sweep age away, at most MAX_INTERVAL_MS).
    const age = now.getTime() - Date.parse(record.createdAt);
    const interval = Math.min(Math.max(ageMs, age), MAX_INTERVAL_MS);
    const nextAt = new Date(now.getTime() + interval - ageMs).toISOString();
    await deps.messages.rescheduleAccepted(entry.id, entry.attentionAt, nextAt);
    return 'enqueued';
  } catch (error) {
    if (error instanceof MessageNotFoundError) return 'skipped';
    // Due again at the next run, and at the back of the line: an entry left where it was would fall
    // out of the look-back after a day of failures (never found again, `accepted` for ever), and
    // entries that keep failing would be read first by every run, ahead of those that could go.
    await deps.messages
      .rescheduleAccepted(entry.id, entry.attentionAt, new Date(now.getTime() - ageMs).toISOString())
      .catch(() => undefined);
    return 'failed';
  }
}
