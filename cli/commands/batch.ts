import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { PRIORITIES } from '#core/domain/requests/request-options.ts';
import { type RowDefaults, readCsv } from '../batch/csv-rows.ts';
import { openJournal } from '../batch/journal.ts';
import { mailingKey, mailingOf } from '../batch/mailing.ts';
import { runProblemHint } from '../batch/row-problems.ts';
import { type RunSummary, runBatch } from '../batch/run.ts';
import { clientFor, globalOptions, printJson } from '../context.ts';
import { wholeNumberOption } from '../option-values.ts';
import { onStopSignals } from '../signals.ts';
import { table as newTable } from '../table.ts';

// `batch --csv FILE`: a mailing from a CSV, one POST /v1/messages per row with a key derived from
// the mailing (the file, the endpoint, the row options) and the row, so that Ctrl-C and a rerun send
// every row exactly once (see journal.ts).

interface BatchOptions {
  csv: string;
  text?: string;
  from?: string;
  account?: string;
  priority?: (typeof PRIORITIES)[number];
  concurrency: number;
  rate: number;
}

export function batchCommand(): Command {
  return new Command('batch')
    .description(
      'send a mailing from a CSV (header row: to, text, and any send field); resumable after Ctrl-C',
    )
    .requiredOption(
      '--csv <file>',
      'the CSV file; its progress journal is kept beside it (<file>.progress.jsonl)',
    )
    .option('--text <text>', 'text for rows without their own (not hlr or ping rows: they take none)')
    .option(
      '--from <sender>',
      'sender for rows without their own: a sender id for messages, an e-mail address for mail rows',
    )
    .option(
      '--account <name>',
      'the account (SMPP_ACCOUNTS entry) for rows without their own; default: routing',
    )
    .addOption(
      new Option('--priority <lane>', 'lane for rows without their own (default bulk)').choices(PRIORITIES),
    )
    .option('--concurrency <n>', 'requests in flight', wholeNumberOption('--concurrency', 1), 16)
    .option('--rate <n>', 'at most n messages per second (0: no limit)', wholeNumberOption('--rate', 0), 0)
    .action(async (options: BatchOptions, command: Command) => {
      const global = globalOptions(command);
      const defaults: RowDefaults = {
        ...(options.text !== undefined ? { text: options.text } : {}),
        ...(options.from !== undefined ? { from: options.from } : {}),
        ...(options.account !== undefined ? { account: options.account } : {}),
        ...(options.priority !== undefined ? { priority: options.priority } : {}),
      };
      const csv = readCsv(readFileSync(options.csv), defaults);
      const client = clientFor(global);
      // One retry while the endpoint has not answered: nothing listening there stops the run at once.
      const firstClient = clientFor(global, { retries: 1 });
      const mailing = mailingOf(csv.fingerprint, client.endpoint, defaults);
      const journal = openJournal(options.csv, mailing, csv.rows.length);
      if (journal.done.size > 0) {
        process.stderr.write(
          `resuming: ${journal.done.size} of ${csv.rows.length} rows settled by earlier runs\n`,
        );
      }
      const run = runBatch({
        client,
        firstClient,
        rows: csv.rows,
        mailingKey: mailingKey(mailing),
        journal,
        concurrency: options.concurrency,
        rate: options.rate,
        stream: process.stderr,
      });
      // A closed terminal (SIGHUP) stops the run as Ctrl-C does: the rows in flight finish and are
      // journalled, so the same command sends the rest; ended at once, their answers were lost.
      const removeHandlers = onStopSignals(
        () => {
          process.stderr.write('\nstopping: finishing the rows in flight (Ctrl-C again to quit at once)\n');
          run.stop();
        },
        () => {
          process.stderr.write('\nstopping now; rows in flight are safe to resend (same keys)\n');
          process.exit(130);
        },
      );
      const summary = await run.done;
      removeHandlers();
      if (global.json) printJson(summary);
      else printSummary(summary, journal.path);
      if (summary.stoppedBy) {
        process.stderr.write(`error: ${stoppedText(summary.stoppedBy, mailing.endpoint)}\n`);
      }
      process.exitCode = exitStatusOf(summary);
    });
}

/**
 * 1 for a refusal of the run (a rerun as it is would get it again), 130 for rows left by Ctrl-C, 1 for
 * rows that were not sent: rejected (by this run or an earlier one) or with no final answer. A script
 * must not take a mailing with rows refused for done; the summary and the table say which.
 */
function exitStatusOf(summary: RunSummary): number {
  if (summary.stoppedBy) return 1;
  if (summary.interrupted) return 130;
  return summary.failed.length > 0 || summary.rejected.length > 0 ? 1 : 0;
}

/** Rows listed in the failed-rows table at most; --json has them all. */
const FAILED_ROWS_SHOWN = 20;

/** A refusal that stopped the run, with what to check before running the same command again. */
function stoppedText(stoppedBy: NonNullable<RunSummary['stoppedBy']>, endpoint: string): string {
  if (stoppedBy.status === 0) {
    return (
      `row ${stoppedBy.row} got no answer from ${endpoint} (${stoppedBy.detail}), and no row had one before it\n` +
      '  check --endpoint (the API’s base URL, with its stage; SMSC_ENDPOINT when not given) and that the API ' +
      'or the local stack is up and reachable, then run the same command again (nothing is sent twice)'
    );
  }
  if (stoppedBy.refusedAlike !== undefined) {
    return (
      `row ${stoppedBy.row} was refused with ${stoppedBy.status} ${stoppedBy.code}: ${stoppedBy.detail}\n` +
      `  ${stoppedBy.refusedAlike} row(s) were refused so before any row was accepted: these credentials may ` +
      'use none of the accounts the rows go to (their `account` column, --account, or routing by prefix)\n' +
      `  ${runProblemHint(stoppedBy.status, stoppedBy.code)}, and that they may use those accounts; if only those rows' account ` +
      'is closed to you, put them after the others or in a file of their own. Then run the command again'
    );
  }
  return (
    `row ${stoppedBy.row} was refused with ${stoppedBy.status} ${stoppedBy.code}, which is not about the row ` +
    `(every row would get it): ${stoppedBy.detail}\n` +
    `  ${runProblemHint(stoppedBy.status, stoppedBy.code)}, then run the same command again (nothing is sent twice)`
  );
}

function printSummary(summary: RunSummary, journalPath: string): void {
  const lines = [
    `${summary.total} rows: ${summary.accepted} sent now, ${summary.replayed} already sent (answer replayed), ` +
      `${summary.skipped} settled before, ${summary.rejected.length} rejected, ${summary.failed.length} failed` +
      `${summary.unsent > 0 ? `, ${summary.unsent} not sent` : ''} (${summary.seconds.toFixed(1)} s)`,
  ];
  if (summary.stoppedBy) {
    lines.push(`stopped: nothing is journalled for the rows not sent (progress: ${journalPath})`);
  } else if (summary.interrupted) {
    lines.push(`interrupted: run the same command again to send the rest (progress: ${journalPath})`);
  } else if (summary.failed.length > 0) {
    lines.push(
      'some rows got no final answer: run the same command again to retry them (nothing is sent twice)',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (summary.rejected.length > 0) {
    const table = newTable({ head: ['row', 'code', 'reason'], colWidths: [8, 22, 80], wordWrap: true });
    for (const { row, rejected } of summary.rejected) {
      table.push([String(row), rejected.code, rejected.reasons.join('\n') || rejected.detail]);
    }
    process.stdout.write(`rejected rows (fix them in a new file to send them):\n${table.toString()}\n`);
  }
  if (summary.failed.length > 0) {
    const table = newTable({ head: ['row', 'code', 'detail'] });
    for (const failure of summary.failed.slice(0, FAILED_ROWS_SHOWN))
      table.push([String(failure.row), failure.code, failure.detail]);
    const more = summary.failed.length - FAILED_ROWS_SHOWN;
    process.stdout.write(
      `${table.toString()}\n${more > 0 ? `… and ${more} more (--json lists them all)\n` : ''}`,
    );
  }
}
