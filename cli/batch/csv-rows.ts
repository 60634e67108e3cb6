import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { SendMessageInput } from '#client/index.ts';
import { isEmailSender } from '#core/domain/requests/sender-id.ts';
import { UsageError } from '../context.ts';
import { csvText } from './csv-text.ts';
import { takesText } from './row-kinds.ts';

// A mailing's CSV: a header row naming send fields (`to` required; `text`, `from`, `kind`,
// `client_ref`/`clientRef`, `validity_minutes`, …, any case, `_`/`-`/space ignored), then one message
// per row. A column that names no field, or a field another column names too (which one would win?),
// stops the run before anything is sent, as does a file that is not UTF-8 (csv-text.ts). Columns are
// separated by ',' or, when the header has none, by ';' or a tab (separatorOf). Rows of kind hlr or
// ping (a lookup of the number, no message) take no text (row-kinds.ts): a CSV of only those needs no
// "text" column, and --text goes to the other rows alone.

const FIELDS = [
  'to',
  'text',
  'from',
  'kind',
  'subject',
  'voice',
  'bot',
  'comment',
  'priority',
  'encoding',
  'validityMinutes',
  'clientRef',
  'callbackUrl',
  'udh',
  'account',
] as const satisfies readonly (keyof SendMessageInput)[];
type Field = (typeof FIELDS)[number];

const BY_NORMALISED = new Map<string, Field>(FIELDS.map((field) => [normalise(field), field]));

function normalise(header: string): string {
  return header.toLowerCase().replace(/[\s_-]/g, '');
}

export interface CsvRow {
  /** 1-based, counting data rows (the header is not a row). */
  row: number;
  message: SendMessageInput;
}

export interface CsvFile {
  /** sha256 of the file's bytes: with the endpoint and the row options, the mailing (mailing.ts). */
  fingerprint: string;
  rows: CsvRow[];
}

export interface RowDefaults {
  text?: string;
  from?: string;
  account?: string;
  priority?: SendMessageInput['priority'];
}

export function readCsv(bytes: Buffer, defaults: RowDefaults): CsvFile {
  const fingerprint = createHash('sha256').update(bytes).digest('hex');
  const text = csvText(bytes);
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: separatorOf(text),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    });
  } catch (error) {
    throw new UsageError(`the CSV cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...data] = records;
  if (!header) throw new UsageError('the CSV is empty: it needs a header row with at least a "to" column');
  const columns = header.map((name) => {
    const field = BY_NORMALISED.get(normalise(name));
    if (!field) throw new UsageError(`CSV column "${name}" is not a send field; known: ${FIELDS.join(', ')}`);
    return field;
  });
  columns.forEach((field, column) => {
    const first = columns.indexOf(field);
    if (first !== column) {
      throw new UsageError(
        `CSV columns "${header[first]}" and "${header[column]}" both name the field ${field}: keep one of them`,
      );
    }
  });
  if (!columns.includes('to')) throw new UsageError('the CSV needs a "to" column');
  /** The kinds of the rows without a sender of their own: what --from was given for. */
  const withoutSender: unknown[] = [];
  const rows = data.map((cells, index): CsvRow => {
    const message: Record<string, unknown> = {
      // Mailings go on the bulk lane unless told otherwise, as batches do.
      priority: defaults.priority ?? 'bulk',
      ...(defaults.account !== undefined ? { account: defaults.account } : {}),
    };
    columns.forEach((field, column) => {
      const cell = cells[column];
      if (cell === undefined || cell === '') return;
      // A number that is not one is passed on as it is: the API's answer names the row's fault.
      message[field] = field === 'validityMinutes' && /^\d+$/.test(cell) ? Number(cell) : cell;
    });
    if (message.from === undefined) withoutSender.push(message.kind);
    const filled = withDefaultSender(withDefaultText(message, defaults.text), defaults.from);
    return { row: index + 1, message: filled as SendMessageInput };
  });
  if (defaults.from !== undefined) refuseUnfitSender(defaults.from, withoutSender);
  if (!columns.includes('text') && defaults.text === undefined) {
    const needing = rows.find((row) => takesText(row.message.kind));
    if (needing) {
      throw new UsageError(
        `the CSV has no "text" column, and row ${needing.row} (kind ${needing.message.kind ?? 'sms'}) needs one: ` +
          'give a "text" column, or --text for the rows without their own (hlr and ping rows take none)',
      );
    }
  }
  return { fingerprint, rows };
}

/**
 * --from fills a row without its own sender only if the row's kind takes that kind of sender: a mail
 * goes from an e-mail address, every other kind from a sender id. Either on the wrong kind is a row
 * the API refuses by name, so a mailing mixing mails and messages takes the one --from that fits.
 */
function withDefaultSender(
  message: Record<string, unknown>,
  from: string | undefined,
): Record<string, unknown> {
  if (from === undefined || message.from !== undefined) return message;
  return senderFits(message.kind, from) ? { ...message, from } : message;
}

function senderFits(kind: unknown, from: string): boolean {
  return (kind === 'mail') === isEmailSender(from);
}

/** A --from that fits none of the rows it was given for is a mistake, not a no-op. */
function refuseUnfitSender(from: string, kindsWithoutSender: readonly unknown[]): void {
  if (kindsWithoutSender.length === 0) return;
  if (kindsWithoutSender.some((kind) => senderFits(kind, from))) return;
  throw new UsageError(
    isEmailSender(from)
      ? `--from "${from}" is an e-mail address, which only mail rows take, and no row without its own ` +
          'sender is a mail: give a sender id (e.g. --from Shop), or a "from" column'
      : `--from "${from}" is a sender id, and every row without its own sender is a mail: mail rows ` +
          'take an e-mail address (e.g. --from news@example.com), or a "from" column',
  );
}

/**
 * --text fills a row without its own text only if the row's kind takes one. An hlr or ping row in a
 * mailing with --text is a number to look up beside the messages, not a message the text was meant
 * for: giving it the text would only have the API refuse the row ("A hlr message carries no text"),
 * and refusing the whole run would leave no way to send such a mixed file with a shared text.
 */
function withDefaultText(
  message: Record<string, unknown>,
  text: string | undefined,
): Record<string, unknown> {
  if (text === undefined || message.text !== undefined) return message;
  const kind = typeof message.kind === 'string' ? message.kind : undefined;
  return takesText(kind) ? { ...message, text } : message;
}

/**
 * The column separator, read from the header: ',' if it has one, else ';' or a tab if it has that.
 * Excel's "CSV UTF-8" writes the system's list separator, ';' on a Russian (and most European)
 * Windows; a header is field names only, which hold none of these, so its separator is unambiguous.
 */
function separatorOf(text: string): string {
  const newline = text.search(/\r?\n/);
  const header = newline === -1 ? text : text.slice(0, newline);
  return ([',', ';', '\t'] as const).find((separator) => header.includes(separator)) ?? ',';
}

/** The row's Idempotency-Key: the same mailing's same row is the same message, whichever run sends it. */
export function rowKey(mailingKey: string, row: number): string {
  return `csv:${mailingKey.slice(0, 32)}:${row}`;
}
