import { appendFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { UsageError } from '../context.ts';
import { differences, type Mailing } from './mailing.ts';

// The progress journal next to the CSV (`<file>.progress.jsonl`): a header naming the mailing (the
// file's sha256, the endpoint, the row options: mailing.ts), then one JSON line per row whose outcome
// is settled (accepted, or refused by the API for good), written as soon as it is known. A rerun skips
// those rows; the rows in flight when the run stopped are sent again with their own Idempotency-Key,
// which the API answers with the first answer, so nothing is sent twice. Rows that failed for a
// passing reason (no answer, 5xx after the retries) are not journalled: the rerun tries them again.

export type RowOutcome =
  | { row: number; id: string; replayed: boolean }
  | { row: number; rejected: { status: number; code: string; detail: string; reasons: string[] } };

/** The first line: the mailing the journal is a record of, and the file's row count. */
interface Header extends Partial<Mailing> {
  rows: number;
}

export interface Journal {
  readonly path: string;
  /** Outcomes from earlier runs of the same mailing, by row. */
  readonly done: ReadonlyMap<number, RowOutcome>;
  record(outcome: RowOutcome): void;
}

export function journalPathFor(csvPath: string): string {
  return `${csvPath}.progress.jsonl`;
}

export function openJournal(csvPath: string, mailing: Mailing, rows: number): Journal {
  const path = journalPathFor(csvPath);
  const done = new Map<number, RowOutcome>();
  const [first, ...rest] = existsSync(path) ? completeLines(path) : [];
  const header = parseLine<Header>(first);
  const outcomes = rest.map((line) => parseLine<RowOutcome>(line)).filter((outcome) => outcome !== undefined);
  // No journal, or one whose header a hard kill cut (no row was journalled then), or one of a run
  // at another endpoint that settled no row: the documented way out of a wrong --endpoint (every
  // row refused 404) is the same command at the right one. The other API's keys are not this one's
  // concern, and there is no row to skip.
  if (first === undefined || (outcomes.length === 0 && onlyEndpointDiffers(header, mailing))) {
    writeFileSync(path, `${JSON.stringify({ ...mailing, rows } satisfies Header)}\n`);
  } else {
    checkSameMailing(path, header, mailing);
    for (const outcome of outcomes) done.set(outcome.row, outcome);
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

/**
 * The journal's whole lines. A line cut short by a hard kill can only be the last one; it is cut
 * off the file, so that the next line appended starts on a line of its own instead of fusing with
 * it into one unreadable line (and its row, whose outcome is lost, is sent again with its key).
 */
function completeLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  return text.slice(0, end).split('\n').filter(Boolean);
}

function recordedMailing(header: Header | undefined): Mailing | undefined {
  if (header?.file === undefined || header.endpoint === undefined || header.options === undefined) return;
  return { file: header.file, endpoint: header.endpoint, options: header.options };
}

function onlyEndpointDiffers(header: Header | undefined, mailing: Mailing): boolean {
  const recorded = recordedMailing(header);
  if (recorded?.file !== mailing.file) return false;
  return differences({ ...recorded, endpoint: mailing.endpoint }, mailing).length === 0;
}

/**
 * Another mailing's journal would have this run skip rows it never sent (or, for another file,
 * resend rows under new keys): refused, naming what differs, before anything is sent.
 */
function checkSameMailing(path: string, header: Header | undefined, mailing: Mailing): void {
  const move = 'move the journal away to send the file as a new mailing';
  if (header?.file !== mailing.file) {
    throw new UsageError(
      `${path} belongs to another version of the CSV (the file changed since that run). Its rows would get new ` +
        `idempotency keys and could be sent twice: restore the file, or ${move}.`,
    );
  }
  const recorded = recordedMailing(header);
  if (!recorded) {
    // Its rows' keys came from the file alone, and the endpoint and options of its run are unknown.
    throw new UsageError(
      `${path} was written by an earlier smsc-sender, which did not record the endpoint and options of its run: ` +
        `finish that mailing with that version, or ${move} (the rows it settled would be sent again).`,
    );
  }
  const found = differences(recorded, mailing);
  if (found.length > 0) {
    throw new UsageError(
      `${path} was written for another mailing of this file: ${found.join('; ')}. To resume it, give the ` +
        `same endpoint and options as that run; or ${move} (its rows get new idempotency keys).`,
    );
  }
}

function parseLine<T>(line: string | undefined): T | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
