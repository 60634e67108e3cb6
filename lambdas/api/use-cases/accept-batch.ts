import { QueuePublishError } from '#core/aws/errors.ts';
import type { BatchCreation } from '#core/aws/messages/message-repository.ts';
import { mayUseAccount } from '#core/domain/accounts/permissions.ts';
import { accountNames, chooseAccount } from '#core/domain/accounts/routing.ts';
import { newBatchId, newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { ValidationIssue } from '#core/domain/requests/validation-issues.ts';
import { signalAfter } from '#core/support/abort.ts';
import type { ApiDeps } from '../deps.ts';
import { prepareFor } from './accounts.ts';
import {
  type BatchEntry,
  type BatchForm,
  type EntryRoute,
  type RejectedEntry,
  splitBatch,
} from './batch-entries.ts';
import { type AdmittedEntry, guardEntries } from './guard-entries.ts';
import { fieldLabel } from './issues.ts';
import {
  countedWindows,
  ENQUEUE_FAILED,
  failUnqueuedMany,
  neverSent,
  type UnqueuedOutcome,
} from './unqueued.ts';

// POST /v1/batches: every entry is validated and prepared on its own; the valid ones are stored
// (one BatchWrite per 25) and enqueued (one SendMessageBatch per 10), the invalid ones are answered
// with their index. Entries whose enqueue failed are marked failed and answered as rejected with
// `enqueue_failed`, so the caller resends only those: the batch as a whole has no idempotency key,
// and a 503 for the whole would make the caller send the queued ones twice.
//
// The request has one deadline (ApiDeps.batchBudgetMs from its start): a throttled table can hold a
// batch's store for minutes, and a Lambda killed mid-store leaves its records `accepted` for the
// sweeper while the caller, told nothing, sends the batch again. Entries not stored by then are
// answered `enqueue_failed` like the unqueued ones; those in a write cut off on its way are marked
// failed first (so the sweeper never sends them), and what was stored is published in the time left.

export interface BatchAnswer {
  batchId: string;
  accepted: number;
  rejected: RejectedEntry[];
}

/** Where the time of a large batch goes, for the log line. */
export interface BatchTimings {
  validateMs: number;
  storeMs: number;
  enqueueMs: number;
}

export type AcceptBatchResult =
  | { outcome: 'accepted'; answer: BatchAnswer; timings: BatchTimings }
  /** The envelope or a field shared by every entry is wrong. */
  | { outcome: 'invalid'; issues: ValidationIssue[] }
  /** The batch names an account this deployment lacks (the `to` form's shared field); nothing stored. */
  | { outcome: 'unknown-account'; account: string }
  /** Some entries would go through accounts the caller may not use: the whole batch; nothing stored. */
  | { outcome: 'account-forbidden'; accounts: string[] }
  | { outcome: 'all-rejected'; rejected: RejectedEntry[] }
  /** Stored, but not one entry reached a queue: all marked failed; the caller should send again. */
  | { outcome: 'enqueue-failed'; batchId: string; rejected: RejectedEntry[] }
  /** Some records may be stored and left `accepted` (DynamoDB failing): the sweeper sends those. */
  | ({ outcome: 'store-unknown' } & UnknownStore);

/**
 * A batch some of whose records may be stored: without the entries, a caller told only the batch id
 * (whose view counts statuses, not entries) could neither resend what will never go nor leave alone
 * what may.
 */
export interface UnknownStore {
  batchId: string;
  /** Entries queued for certain. */
  accepted: number;
  /** Entries never to go: invalid, refused, or certain not stored or marked failed. */
  rejected: RejectedEntry[];
  /** Entries that may be stored and then go; each to be read by its message id before a resend. */
  inDoubt: { index: number; messageId: string }[];
}

interface Stored {
  entry: AdmittedEntry;
  record: MessageRecord;
}

/**
 * The part of the budget the store leaves to publishing: stopped at the deadline itself, it would
 * leave what it wrote unpublished, each record then marked failed one write at a time in a table that
 * was just throttling, and answered as not queued though it was stored.
 */
const PUBLISH_SHARE = 0.25;

export async function acceptBatch(
  deps: ApiDeps,
  body: unknown,
  caller?: string | undefined,
): Promise<AcceptBatchResult> {
  // Counted from the start: the anti-loop guard's calls come out of the same budget.
  const deadline = performance.now() + deps.batchBudgetMs;
  const lap = stopwatch();
  const checked = splitBatch(body, (request) => routeEntry(deps, request, caller));
  // The body's shape first, as for a single send: a malformed batch naming an unknown account was
  // told only of the account, then of the shape it had wrong all along.
  if (!checked.valid) return { outcome: 'invalid', issues: checked.issues };
  const shared = sharedAccount(body);
  if (shared !== undefined && !deps.accounts.some((account) => account.name === shared)) {
    return { outcome: 'unknown-account', account: shared };
  }
  // Before the anti-loop guard, which writes: a refused batch leaves nothing behind.
  const forbidden = new Set(
    checked.entries
      .filter(({ account }) => !mayUseAccount(account, caller))
      .map(({ account }) => account.name),
  );
  if (forbidden.size > 0) return { outcome: 'account-forbidden', accounts: [...forbidden].sort() };
  const guarded = await guardEntries(deps, checked.form, checked.entries);
  const split = {
    ...checked,
    entries: guarded.admitted,
    rejected: [...checked.rejected, ...guarded.refused].sort((a, b) => a.index - b.index),
  };
  if (split.entries.length === 0) return { outcome: 'all-rejected', rejected: split.rejected };

  const now = deps.clock();
  const batchId = newBatchId(now.getTime());
  const stored: Stored[] = split.entries.map((entry) => ({
    entry,
    record: acceptedMessageRecord({
      id: newMessageId(now.getTime()),
      request: entry.request,
      prepared: entry.prepared,
      batchId,
      account: entry.account.name,
      now,
    }),
  }));
  const ids = stored.map(({ record }) => record.id);
  const windows = countedWindows(
    stored.map(({ entry, record }) => ({ id: record.id, prepared: entry.prepared, verdict: entry.verdict })),
  );
  const validateMs = lap();

  const storeSignal = signalAfter(deadline - deps.batchBudgetMs * PUBLISH_SHARE - performance.now());
  let left: BatchCreation;
  try {
    left = await deps.messages.createAcceptedBatch(
      stored.map(({ record }) => record),
      { signal: storeSignal },
    );
  } catch (error) {
    // Some chunks may be stored already: none of them may stay `accepted` with nothing queued. Those
    // left `accepted` (marking failed too) the sweeper sends: a resend of the batch would send them
    // twice, so the caller is told to look first.
    const outcomes = await failUnqueuedMany(deps, ids, { batchId, cause: error, windows });
    if (ids.some((id) => !neverSent(outcomes.get(id)))) {
      const unsure = new Set(ids);
      return unknownStore({
        batchId,
        form: split.form,
        rejected: split.rejected,
        unqueued: stored,
        outcomes,
        unsure,
      });
    }
    throw error;
  }
  const storeMs = lap();

  const notStored = new Set(left.unwritten.map(({ id }) => id));
  const inDoubt = new Set(left.inDoubt.map(({ id }) => id));
  const unstored = stored.filter(({ record }) => notStored.has(record.id) || inDoubt.has(record.id));
  const written = stored.filter(({ record }) => !notStored.has(record.id) && !inDoubt.has(record.id));
  const published = await enqueue(deps, written, signalAfter(deadline - performance.now()));
  const timings = { validateMs, storeMs, enqueueMs: lap() };
  // The store's leftovers first: marks of those in doubt decide the answer, and none runs after one fails.
  const unqueued = [...unstored, ...published.unsent];
  if (unqueued.length === 0) {
    return { outcome: 'accepted', answer: answer(batchId, stored.length, split.rejected), timings };
  }

  const unqueuedIds = unqueued.map(({ record }) => record.id);
  const cause = published.cause ?? storeSignal.reason;
  const outcomes = await failUnqueuedMany(deps, unqueuedIds, { batchId, cause, windows, notStored });
  // One in doubt and still `accepted` (marking failed too) goes if its write landed (the sweeper sends
  // it) and is lost if not: neither "accepted" nor "send again" is true of it, so the caller looks first.
  // One that moved on landed and is on its way: accepted, as in a 202.
  if ([...inDoubt].some((id) => outcomes.get(id) === 'not-marked')) {
    const queued = written.length - published.unsent.length;
    const rejected = split.rejected;
    return unknownStore({ batchId, form: split.form, rejected, unqueued, outcomes, unsure: inDoubt, queued });
  }
  // Only those certain never to go are answered as not queued: one left `accepted` (marking failed
  // too) is sent by the sweeper, and resent by the caller it would go twice.
  const notQueued = unqueued.filter(({ record }) => neverSent(outcomes.get(record.id)));
  if (notQueued.length === stored.length)
    return { outcome: 'enqueue-failed', batchId, rejected: split.rejected };
  const rejected = [...split.rejected, ...notQueued.map(({ entry }) => enqueueRejection(split.form, entry))];
  rejected.sort((a, b) => a.index - b.index);
  return {
    outcome: 'accepted',
    answer: answer(batchId, stored.length - notQueued.length, rejected),
    timings,
  };
}

/**
 * The answer when some of `unqueued` may be stored. Certain never to go: rejected as `enqueue_failed`.
 * In doubt: a write that may not have landed, left unmarked. The rest count as accepted, as in a 202:
 * one moved on was queued after all, and one certainly written and left `accepted` the sweeper sends.
 */
function unknownStore(from: {
  batchId: string;
  form: BatchForm;
  rejected: readonly RejectedEntry[];
  unqueued: readonly Stored[];
  outcomes: ReadonlyMap<string, UnqueuedOutcome>;
  /** Ids whose write may or may not have landed. */
  unsure: ReadonlySet<string>;
  queued?: number;
}): { outcome: 'store-unknown' } & UnknownStore {
  const outcomeOf = ({ record }: Stored) => from.outcomes.get(record.id);
  const never = from.unqueued.filter((stored) => neverSent(outcomeOf(stored)));
  const doubtful = from.unqueued.filter(
    (stored) => outcomeOf(stored) === 'not-marked' && from.unsure.has(stored.record.id),
  );
  const rejected = [...from.rejected, ...never.map(({ entry }) => enqueueRejection(from.form, entry))];
  return {
    outcome: 'store-unknown',
    batchId: from.batchId,
    accepted: (from.queued ?? 0) + from.unqueued.length - never.length - doubtful.length,
    rejected: rejected.sort((a, b) => a.index - b.index),
    inDoubt: doubtful.map(({ entry, record }) => ({ index: entry.index, messageId: record.id })),
  };
}

/** The `account` of the `{to: [...]}` form, shared by every entry, when it is a string. */
function sharedAccount(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('to' in body) || !('account' in body)) return undefined;
  return typeof body.account === 'string' ? body.account : undefined;
}

function routeEntry(
  deps: ApiDeps,
  request: Parameters<typeof chooseAccount>[1],
  caller: string | undefined,
): EntryRoute {
  const choice = chooseAccount(deps.accounts, request);
  if (!choice.ok) {
    // Only the names this caller may use, as in the unknown_account problem.
    const known = accountNames(deps.accounts.filter((account) => mayUseAccount(account, caller)));
    return { ok: false, unknown: choice.unknown, known };
  }
  return { ok: true, account: choice.account, prepare: prepareFor(deps, choice.account) };
}

/** Milliseconds since the previous call (or since it was made). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = Math.round(now - last);
    last = now;
    return elapsed;
  };
}

function answer(batchId: string, accepted: number, rejected: RejectedEntry[]): BatchAnswer {
  return { batchId, accepted, rejected };
}

/** Publishes each lane's messages (batches are bulk unless a message asks for urgent); returns the unsent. */
async function enqueue(
  deps: ApiDeps,
  stored: readonly Stored[],
  // Entries still unsent when the batch's time is up are answered as not queued and marked failed,
  // inside the Lambda's timeout, instead of being cut off with it (see ApiTimeLimits in config.ts).
  signal: AbortSignal,
): Promise<{ unsent: Stored[]; cause: unknown }> {
  if (stored.length === 0) return { unsent: [], cause: undefined };
  const byLane = new Map<Priority, Stored[]>();
  for (const item of stored) {
    const lane = item.entry.prepared.priority;
    const items = byLane.get(lane) ?? [];
    items.push(item);
    byLane.set(lane, items);
  }
  const unsent: Stored[] = [];
  let cause: unknown;
  await Promise.all(
    [...byLane].map(async ([lane, items]) => {
      const bodies = items.map(({ record }) => queueBodyOf(record));
      try {
        await deps.queues.publishBatch(lane, bodies, { signal });
      } catch (error) {
        cause ??= error;
        // QueuePublishError names the entries that failed; any other error leaves all in doubt.
        const failed =
          error instanceof QueuePublishError
            ? error.failures.map(({ index }) => items[index]).filter((item) => item !== undefined)
            : items;
        unsent.push(...failed);
      }
    }),
  );
  return { unsent, cause };
}

function enqueueRejection(form: BatchForm, entry: BatchEntry): RejectedEntry {
  const path = [form, entry.index];
  return {
    index: entry.index,
    error: {
      code: String(ENQUEUE_FAILED.code),
      path,
      message: `${fieldLabel(path)}: ${ENQUEUE_FAILED.description}`,
    },
  };
}
