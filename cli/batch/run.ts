import { SingleBar } from 'cli-progress';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { clientProblem } from '#client/errors.ts';
import { type Problem, type SendResult, SmscApiError, type SmscClient } from '#client/index.ts';
import { scrub } from '#core/observability/redaction.ts';
import { type CsvRow, rowKey } from './csv-rows.ts';
import type { Journal, RowOutcome } from './journal.ts';
import { scopeOf } from './row-problems.ts';

// Sends a mailing's rows, `concurrency` at a time and at most `rate` per second, journalling each
// settled row. `stop()` (Ctrl-C) lets the rows in flight finish and takes no new one; a row waiting
// for its rate slot is not in flight: it is left for the rerun. A refusal that is about the run, not
// the row (row-problems.ts), stops it the same way; so does a row that got no answer at all while no
// row of the run has had one (an --endpoint nothing listens on, the stack not started): each row would
// otherwise go through the client's retries and end "failed", minutes for a large file.
//
// The API's refusals may quote the row's number ("79161234567 is not in E.164 format"): their
// detail and reasons are masked as the logs and `status` mask them before they reach the table,
// --json or the journal. Only that human-readable text: the journal's rows and ids stay as they are.

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
  /**
   * For the rows sent while none has had an answer, if given: the same API with fewer retries, so
   * that an endpoint that does not answer stops the run in a moment, not after the full back-off. A
   * row it leaves with an answer but no final one (429, 5xx) is sent again through `client`.
   */
  firstClient?: SmscClient;
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
  /** Passing failures (no answer, 5xx after the retries), by row: a rerun tries these again. */
  failed: { row: number; code: string; detail: string }[];
  /** Rows of this run with no outcome: not sent before the run stopped, or refused for the run. */
  unsent: number;
  /** Stopped by the user before every row was sent. */
  interrupted: boolean;
  /**
   * The first refusal that was about the run, not the row: it stopped the run. Status 0
   * (network_error): no answer from the endpoint, and none to any row before it.
   */
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
    // Masked again: a journal written before the masking holds the reasons as the API gave them.
    rejected: [...options.journal.done.values()].filter(isRejected).map(masked),
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
  /** Some row of this run got an answer (any status): the endpoint is the API, reachable. */
  let anyAnswer = false;
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
  // --rate: the bind-service's own limiter, whose window keeps any one second within the rate, a
  // row held up (a slow answer, retries) leaving no slots behind for a burst.
  const pace = options.rate > 0 ? new RateLimiter({ ratePerSecond: options.rate }) : undefined;
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
    const idempotencyKey = rowKey(options.mailingKey, row);
    let answer: SendResult;
    try {
      const client = anyAnswer ? options.client : (options.firstClient ?? options.client);
      answer = await client.send(message, { idempotencyKey }).catch((error: unknown) => {
        const retried =
          client !== options.client &&
          error instanceof SmscApiError &&
          error.problem.status !== 0 &&
          scopeOf(error.problem) === 'passing';
        if (!retried) throw error;
        // The API answered (a 429 or 5xx): whatever the resend meets, the endpoint is the API's.
        anyAnswer = true;
        // The same key: should the first attempts have been taken, the API answers with that answer.
        return options.client.send(message, { idempotencyKey });
      });
    } catch (error) {
      if (!(error instanceof SmscApiError)) throw error;
      refused(row, error.problem);
      return;
    }
    if (typeof answer.id !== 'string' || answer.id === '') {
      // A row journalled as sent is skipped by every rerun: without the message's id there is no
      // knowing it was sent. Stops the run unjournalled (a 2xx: 'run'), and the rerun resends the row
      // with its key, which the API answers with the message it took, if it took one.
      refused(row, clientProblem('unexpected_response', 202, `the answer to row ${row} names no message id`));
      return;
    }
    anyAnswer = true;
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
    const noAnswer = problem.status === 0;
    if (scope === 'run' || (noAnswer && !anyAnswer)) {
      // Not journalled: the rerun, once the endpoint or credentials are right, sends the row. A row
      // that got no answer once another had one is the network's passing fault: failed, as below.
      summary.stoppedBy ??= {
        row,
        status: problem.status,
        code: problem.code,
        detail: scrub(problem.detail),
      };
      stop();
      return;
    }
    if (!noAnswer) anyAnswer = true;
    if (scope === 'passing') {
      summary.failed.push({ row, code: problem.code, detail: scrub(problem.detail) });
      outcomes += 1;
    } else if (scope === 'account' && !anyAccepted) {
      held.push(rejectedOutcome(row, problem));
      if (held.length >= ACCOUNT_REFUSALS_BEFORE_STOP) stopForAccounts();
    } else {
      reject(rejectedOutcome(row, problem));
    }
    settled();
  };

  /**
   * The row in flight while no row has had an answer. Until one has, rows go one at a time: at an
   * endpoint that does not answer, the run stops after one row's retries instead of waiting for every
   * worker's; and a refusal of the run comes before the other workers have sent a row each.
   */
  let probe: Promise<void> | undefined;
  const worker = async () => {
    while (!stopping && next < pending.length) {
      if (probe && !anyAnswer) {
        const waited = probe;
        await waited;
        // Neither answered nor stopped should not happen; were it to, waiting again would spin.
        if (probe === waited && !anyAnswer) probe = undefined;
        continue;
      }
      const row = pending[next++];
      if (!row) return;
      const sending = inTurn(row);
      // A throw (not the API's refusal) reaches the run through this worker; the others stop.
      if (!anyAnswer) probe = sending.then(() => undefined, stop);
      if (!(await sending)) return;
    }
  };
  /** Sends the row in its --rate turn; false if the run stopped while it waited for it. */
  const inTurn = async (row: CsvRow): Promise<boolean> => {
    if (pace) {
      const granted = await pace.wait('bulk', halt.signal).then(
        () => true,
        () => false,
      );
      if (!granted || stopping) return false;
    }
    await sendRow(row);
    return true;
  };

  const done = Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker)).then(() => {
    // Every row sent was refused for its account and none accepted: as a refusal of the run (after
    // Ctrl-C, the held rows are left for the rerun like the others).
    if (!stoppedByUser) stopForAccounts();
    pace?.close();
    bar.stop();
    summary.unsent = pending.length - outcomes;
    summary.interrupted = stoppedByUser && summary.unsent > 0;
    summary.seconds = (performance.now() - started) / 1000;
    summary.rejected.sort((a, b) => a.row - b.row);
    summary.failed.sort((a, b) => a.row - b.row);
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
  return masked({
    row,
    rejected: {
      status: problem.status,
      code: problem.code,
      detail: problem.detail,
      reasons: (problem.errors ?? []).map((issue) => issue.message),
    },
  });
}

/** The refusal's words with phone numbers masked; its row, status and code as they are. */
function masked({ row, rejected }: Rejected): Rejected {
  return {
    row,
    rejected: { ...rejected, detail: scrub(rejected.detail), reasons: rejected.reasons.map(scrub) },
  };
}

function isRejected(outcome: RowOutcome): outcome is Rejected {
  return 'rejected' in outcome;
}
