import type { MessageError, ProviderReport } from '#core/domain/messages/message-model.ts';
import type { ReceiptOutcome } from '#core/domain/receipts/receipt.ts';

// SINGLE mode: the SMSC sends one id and one receipt per part. The message is final only when every
// part has reported; it is delivered if every part was, otherwise it takes its worst part's outcome
// (a message missing a part did not arrive whole). A message whose submit ended `unknown` may know
// fewer ids than parts went on the wire: it stays unresolved until the missing ids are known and
// have reported too (a late SUBMIT_SM_RESP brings them), however good the known parts' news.

/** One part's receipt, kept per SMSC id when the message was sent with SINGLE (one id per part). */
export interface PartOutcome {
  outcome: ReceiptOutcome;
  errorCode: number;
  cost?: string;
  mccmnc?: string;
  read?: boolean;
  clicked?: boolean;
  /** The part's receipt counts (TLV 0x2002, `sub:`, `dlvrd:`): the message's report sums them. */
  parts?: number;
  submittedParts?: number;
  deliveredParts?: number;
  at: string;
}

/** The counts a receipt reports, summed over a SINGLE message's parts. */
export type PartCounts = Pick<PartOutcome, (typeof COUNT_FIELDS)[number]>;

const COUNT_FIELDS = ['parts', 'submittedParts', 'deliveredParts'] as const;

/** Higher is worse. `enroute` is not a part outcome: it is never recorded. */
const SEVERITY: Readonly<Record<Exclude<ReceiptOutcome, 'enroute'>, number>> = {
  delivered: 0,
  unknown: 1,
  expired: 2,
  undelivered: 3,
  rejected: 4,
};

export interface PartsSummary {
  /** Every part on the wire has its SMSC id known and its outcome recorded. */
  complete: boolean;
  /** The worst recorded part (the first one among equals), when any part has reported. */
  worst?: PartOutcome;
  /** Sum of the parts' costs, when every reported part carried a well-formed cost. */
  cost?: string;
  read: boolean;
  clicked: boolean;
  /** Each count summed over the parts, when every reported part carried it. */
  counts: PartCounts;
}

/** `expected`: how many SMSC ids the message has once every part on the wire is known (≥ smscIds). */
export function summariseParts(
  smscIds: readonly string[],
  outcomes: Readonly<Record<string, PartOutcome>>,
  expected: number = smscIds.length,
): PartsSummary {
  const reported = smscIds.map((id) => outcomes[id]).filter((part) => part !== undefined);
  let worst: PartOutcome | undefined;
  for (const part of reported) {
    if (!worst || severity(part.outcome) > severity(worst.outcome)) worst = part;
  }
  const costs = reported.map((part) => part.cost);
  const cost = costs.every((c) => c !== undefined) ? sumDecimals(costs as string[]) : undefined;
  return {
    complete: reported.length === smscIds.length && smscIds.length >= expected,
    ...(worst ? { worst } : {}),
    ...(cost !== undefined ? { cost } : {}),
    read: reported.some((part) => part.read === true),
    clicked: reported.some((part) => part.clicked === true),
    counts: summedCounts(reported),
  };
}

/** A count some part did not report is left out: a partial sum would read as the whole. */
function summedCounts(reported: readonly PartOutcome[]): PartCounts {
  const counts: PartCounts = {};
  for (const field of COUNT_FIELDS) {
    const values = reported.map((part) => part[field]);
    if (values.length > 0 && values.every((value) => value !== undefined)) {
      counts[field] = values.reduce((sum, value) => sum + value, 0);
    }
  }
  return counts;
}

/**
 * The settling part's report with the counts of every part: its own `sub:001 dlvrd:000` said "0 of
 * 1 delivered" of a message whose other parts were.
 */
export function wholeMessageReport(
  settling: ProviderReport | undefined,
  counts: PartCounts,
): ProviderReport | undefined {
  const { parts: _parts, submittedParts: _submitted, deliveredParts: _delivered, ...rest } = settling ?? {};
  const report = { ...rest, ...counts };
  return Object.keys(report).length > 0 ? report : undefined;
}

/**
 * The error of a SINGLE-mode message whose parts sent were delivered while `unsent` of its `parts`
 * never went out (after earlier parts were accepted, nothing is sent again): it arrived incomplete.
 */
export function partsNotSentError(unsent: number, parts: number): MessageError {
  return {
    code: 'parts_not_sent',
    name: 'Message incomplete',
    description: `${unsent} of its ${parts} parts were never sent; the recipient got the rest only`,
  };
}

function severity(outcome: ReceiptOutcome): number {
  return outcome === 'enroute' ? -1 : SEVERITY[outcome];
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Adds non-negative decimal strings exactly (costs are never floats). Undefined if any is malformed
 * or the list is empty, so a doubtful total is left out rather than stored wrong.
 */
export function sumDecimals(values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  const parsed = values.map((value) => DECIMAL.exec(value.trim()));
  if (parsed.some((match) => match === null)) return undefined;
  const matches = parsed as RegExpExecArray[];
  const scale = Math.max(...matches.map((m) => (m[2] ?? '').length));
  const total = matches.reduce((sum, m) => sum + BigInt(`${m[1]}${(m[2] ?? '').padEnd(scale, '0')}`), 0n);
  if (scale === 0) return total.toString();
  const digits = total.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
