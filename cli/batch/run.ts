import { setTimeout as delay } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { SmscApiError, type SmscClient } from '#client/index.ts';
import { type CsvRow, rowKey } from './csv-rows.ts';
import type { Journal, RowOutcome } from './journal.ts';
import { scopeOf } from './row-problems.ts';

// Sends a mailing's rows, `concurrency` at a time and at most `rate` per second, journalling each
// settled row. `stop()` (Ctrl-C) lets the rows in flight finish and takes no new one; a row waiting
// for its rate slot is not in flight: it is left for the rerun. A refusal that is about the run, not
// the row (row-problems.ts), stops it the same way.

export interface RunOptions {
  client: SmscClient;
  rows: CsvRow[];
  fingerprint: string;
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
  rejected: Extract<RowOutcome, { rejected: unknown }>[];
  /** Passing failures (no answer, 5xx after the retries): a rerun tries these again. */
  failed: { row: number; code: string; detail: string }[];
  /** Rows of this run with no outcome: not sent before the run stopped, or refused for the run. */
  unsent: number;
  /** Stopped by the user before every row was sent. */
  interrupted: boolean;
  /** The first refusal that was about the run, not the row: it stopped the run. */
  stoppedBy?: { row: number; status: number; code: string; detail: string };
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
    try {
      const answer = await options.client.send(message, { idempotencyKey: rowKey(options.fingerprint, row) });
      options.journal.record({ row, id: answer.id, replayed: answer.replayed });
      if (answer.replayed) summary.replayed += 1;
      else summary.accepted += 1;
    } catch (error) {
      if (!(error instanceof SmscApiError)) throw error;
      const { problem } = error;
      const scope = scopeOf(problem);
      if (scope === 'run') {
        // Not journalled: the rerun, once the endpoint or credentials are right, sends the row.
        summary.stoppedBy ??= { row, status: problem.status, code: problem.code, detail: problem.detail };
        stop();
        return;
      }
      if (scope === 'row') {
        const outcome = {
          row,
          rejected: {
            status: problem.status,
            code: problem.code,
            detail: problem.detail,
            reasons: (problem.errors ?? []).map((issue) => issue.message),
          },
        };
        options.journal.record(outcome);
        summary.rejected.push(outcome);
      } else {
        summary.failed.push({ row, code: problem.code, detail: problem.detail });
      }
    }
    outcomes += 1;
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

function isRejected(outcome: RowOutcome): outcome is Extract<RowOutcome, { rejected: unknown }> {
  return 'rejected' in outcome;
}
