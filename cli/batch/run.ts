import { setTimeout as delay } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { type Problem, type SendResult, SmscApiError, type SmscClient } from '#client/index.ts';
import { type CsvRow, rowKey } from './csv-rows.ts';
import type { Journal, RowOutcome } from './journal.ts';
import { scopeOf } from './row-problems.ts';

// Sends a mailing's rows, `concurrency` at a time and at most `rate` per second, journalling each
// settled row. `stop()` (Ctrl-C) lets the rows in flight finish and takes no new one; a row waiting
// for its rate slot is not in flight: it is left for the rerun. A refusal that is about the run, not
// the row (row-problems.ts), stops it the same way.

/**
 * 403 account_forbidden refusals taken, with no row accepted yet, before the run stops. Until a row is
 * accepted, credentials that may use no account at all look like rows for an account closed to them:
 * such rows are held back, not journalled (journalled, a rerun with the right credentials would skip
 * them). The first accepted row shows the credentials work, and the held rows are journalled as
 * rejected. Ten stops early on credentials that may use nothing; a file that starts with more rows
 * than this for a closed account is stopped as well, and told to put those rows apart.
 */
export const ACCOUNT_REFUSALS_BEFORE_STOP = 10;

export interface RunOptions {
  client: SmscClient;
  rows: CsvRow[];
  /** The mailing's key (mailing.ts), from which each row's Idempotency-Key comes. */
  mailingKey: string;
  journal: Journal;
  concurrency: number;
  /** Messages per second at most; 0 = as fast as the API answers. */
  rate: number;
  /** Progress output (stderr): a bar on a terminal, a line every few seconds otherwise. */
  stream: NodeJS.WriteStream;
}

export interface RunSummary {
  total: number;
  /** Settled by an earlier run. */
  skipped: number;
  accepted: number;
  /** Accepted by an earlier run whose answer was not journalled (the API replayed it). */
  replayed: number;
  rejected: Rejected[];
  /** Passing failures (no answer, 5xx after the retries): a rerun tries these again. */
  failed: { row: number; code: string; detail: string }[];
  /** Rows of this run with no outcome: not sent before the run stopped, or refused for the run. */
  unsent: number;
  /** Stopped by the user before every row was sent. */
  interrupted: boolean;
  /** The first refusal that was about the run, not the row: it stopped the run. */
  stoppedBy?: {
    row: number;
    status: number;
    code: string;
    detail: string;
    /** account_forbidden: the rows refused so while none was accepted (held back, not journalled). */
    refusedAlike?: number;
  };
  seconds: number;
}

export interface BatchRun {
  done: Promise<RunSummary>;
  stop(): void;
}

export function runBatch(options: RunOptions): BatchRun {
  const pending = options.rows.filter((row) => !options.journal.done.has(row.row));
  const summary: RunSummary = {
    total: options.rows.length,
    skipped: options.rows.length - pending.length,
    accepted: 0,
    replayed: 0,
    rejected: [...options.journal.done.values()].filter(isRejected),
    failed: [],
    unsent: 0,
    interrupted: false,
    seconds: 0,
  };
  const bar = new SingleBar({
    stream: options.stream,
    format:
      ' {bar} {percentage}% | {value}/{total} rows | {speed} msg/s | ETA {eta_formatted} | rejected {rejected}',
    noTTYOutput: true,
    notTTYSchedule: 2_000,
    etaBuffer: 200,
    hideCursor: true,
  });
  let stopping = false;
  let stoppedByUser = false;
  /** Ends the rate waits when the run stops: a waiting row is not in flight. */
  const halt = new AbortController();
  const stop = () => {
    stopping = true;
    halt.abort();
  };
  /** Rows of this run with an outcome, journalled or failed. */
  let outcomes = 0;
  let anyAccepted = [...options.journal.done.values()].some((outcome) => !isRejected(outcome));
  /** Rows refused 403 account_forbidden while no row had been accepted: not journalled (yet). */
  const held: Rejected[] = [];
  const reject = (outcome: Rejected) => {
    options.journal.record(outcome);
    summary.rejected.push(outcome);
    outcomes += 1;
  };
  const stopForAccounts = () => {
    const [first] = held;
    if (!first) return;
    const { status, code, detail } = first.rejected;
    summary.stoppedBy ??= { row: first.row, status, code, detail, refusedAlike: held.length };
    stop();
  };
  let next = 0;
  const started = performance.now();
  bar.start(summary.total, summary.skipped, { speed: '0', rejected: summary.rejected.length });

  const settled = () => {
    const sent = summary.accepted + summary.replayed + summary.rejected.length + summary.failed.length;
    const seconds = (performance.now() - started) / 1000;
    bar.update(summary.skipped + sent, {
      speed: seconds > 0 ? (sent / seconds).toFixed(0) : '0',
      rejected: summary.rejected.length,
    });
  };

  const sendRow = async ({ row, message }: CsvRow) => {
    let answer: SendResult;
    try {
      answer = await options.client.send(message, { idempotencyKey: rowKey(options.mailingKey, row) });
    } catch (error) {
      if (!(error instanceof SmscApiError)) throw error;
      refused(row, error.problem);
      return;
    }
    options.journal.record({ row, id: answer.id, replayed: answer.replayed });
    if (answer.replayed) summary.replayed += 1;
    else summary.accepted += 1;
    outcomes += 1;
    anyAccepted = true;
    for (const outcome of held.splice(0)) reject(outcome);
    settled();
  };

  const refused = (row: number, problem: Problem) => {
    const scope = scopeOf(problem);
    if (scope === 'run') {
      // Not journalled: the rerun, once the endpoint or credentials are right, sends the row.
      summary.stoppedBy ??= { row, status: problem.status, code: problem.code, detail: problem.detail };
      stop();
      return;
    }
    if (scope === 'passing') {
      summary.failed.push({ row, code: problem.code, detail: problem.detail });
      outcomes += 1;
    } else if (scope === 'account' && !anyAccepted) {
      held.push(rejectedOutcome(row, problem));
      if (held.length >= ACCOUNT_REFUSALS_BEFORE_STOP) stopForAccounts();
    } else {
      reject(rejectedOutcome(row, problem));
    }
    settled();
  };

  const worker = async () => {
    while (!stopping && next < pending.length) {
      const index = next++;
      const row = pending[index];
      if (!row) return;
      if (options.rate > 0) {
        // Paced from the start: row k of this run goes no earlier than k/rate seconds in.
        const due = started + (index / options.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await delay(wait, undefined, { signal: halt.signal }).catch(() => undefined);
        if (stopping) return;
      }
      await sendRow(row);
    }
  };

  const done = Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker)).then(() => {
    // Every row sent was refused for its account and none accepted: as a refusal of the run (after
    // Ctrl-C, the held rows are left for the rerun like the others).
    if (!stoppedByUser) stopForAccounts();
    bar.stop();
    summary.unsent = pending.length - outcomes;
    summary.interrupted = stoppedByUser && summary.unsent > 0;
    summary.seconds = (performance.now() - started) / 1000;
    summary.rejected.sort((a, b) => a.row - b.row);
    return summary;
  });
  return {
    done,
    stop: () => {
      stoppedByUser = true;
      stop();
    },
  };
}

type Rejected = Extract<RowOutcome, { rejected: unknown }>;

function rejectedOutcome(row: number, problem: Problem): Rejected {
  return {
    row,
    rejected: {
      status: problem.status,
      code: problem.code,
      detail: problem.detail,
      reasons: (problem.errors ?? []).map((issue) => issue.message),
    },
  };
}

function isRejected(outcome: RowOutcome): outcome is Rejected {
  return 'rejected' in outcome;
}
