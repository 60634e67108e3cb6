import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../context.ts';

// The progress journal next to the CSV (`<file>.progress.jsonl`): one JSON line per row whose outcome
// is settled (accepted, or refused by the API for good), written as soon as it is known. A rerun skips
// those rows; the rows in flight when the run stopped are sent again with their own Idempotency-Key,
// which the API answers with the first answer, so nothing is sent twice. Rows that failed for a
// passing reason (no answer, 5xx after the retries) are not journalled: the rerun tries them again.

export type RowOutcome =
  | { row: number; id: string; replayed: boolean }
  | { row: number; rejected: { status: number; code: string; detail: string; reasons: string[] } };

interface Header {
  file: string;
  rows: number;
}

export interface Journal {
  readonly path: string;
  /** Outcomes from earlier runs of the same file, by row. */
  readonly done: ReadonlyMap<number, RowOutcome>;
  record(outcome: RowOutcome): void;
}

export function journalPathFor(csvPath: string): string {
  return `${csvPath}.progress.jsonl`;
}

export function openJournal(csvPath: string, fingerprint: string, rows: number): Journal {
  const path = journalPathFor(csvPath);
  const done = new Map<number, RowOutcome>();
  if (existsSync(path)) {
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const header = parseLine<Header>(lines[0]);
    if (header?.file !== fingerprint) {
      throw new UsageError(
        `${path} belongs to another version of the CSV (the file changed since that run). Its rows would get new ` +
          'idempotency keys and could be sent twice: restore the file, or move the journal away to start afresh.',
      );
    }
    // A line cut short by a hard kill is the last one: skipped, its row is sent again (same key).
    for (const line of lines.slice(1)) {
      const outcome = parseLine<RowOutcome>(line);
      if (outcome) done.set(outcome.row, outcome);
    }
  } else {
    writeFileSync(path, `${JSON.stringify({ file: fingerprint, rows } satisfies Header)}\n`);
  }
  return {
    path,
    done,
    record(outcome) {
      // Synchronous: the line is on disk before the next row starts, whatever stops the process.
      appendFileSync(path, `${JSON.stringify(outcome)}\n`);
    },
  };
}

function parseLine<T>(line: string | undefined): T | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
