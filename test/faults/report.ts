// The rows fault cases leave in test/faults/.results/ and how docs/reliability.md judges them: pure
// logic, read by write-report.ts (which does the file work) and by its unit tests. A row says what
// the case measured (if it got that far) and how its test ended, its own assertions included; the
// page says "yes" only for a row of this run whose invariants held and whose test passed, and lists
// every case file with no row, so neither a missing case nor an old row passes for a good one.

/** What run-case.ts measured once the system had settled (absent: the case failed before that). */
export interface CaseMeasurement {
  sent: number;
  states: Record<string, number>;
  /** Message parts sent again in a SUBMIT_SM the SMSC may have taken. */
  duplicates: number;
  /** Sends the simulator's duplicate rule refused that the case did not expect. */
  refusedAsDuplicate: number;
  lost: number;
  unknownUnanswered: number;
  receiptsKept: boolean;
  regressions: number;
  /** Why the system had not settled when judged (copies in a queue, submits still coming). */
  unsettled: string[];
  recoveryMs: number;
  invariantsHold: boolean;
}

export interface CaseRow {
  number: number;
  /** The case's name, with its variant after a colon. */
  name: string;
  /** Its file under test/faults/cases/. */
  file: string;
  /** How the case's test ended: its own assertions and the invariants' `holds`. */
  outcome: 'passed' | 'failed';
  measured?: CaseMeasurement;
  commit: string;
  ranAt: string;
}

/** Written when `npm run test:faults` starts (and the old rows are cleared). */
export interface RunMarker {
  commit: string;
  startedAt: string;
}

export interface CaseFile {
  number: number;
  /** Path under test/faults/cases/. */
  file: string;
}

export interface JudgedRow {
  number: number;
  name: string;
  row?: CaseRow;
  /** Only true for a passed case of this run whose invariants held. */
  holds: boolean;
  /** What the "holds" column says. */
  verdict: string;
}

/** A row as run-case.ts writes it; anything else (an older format, a broken file) is not one. */
export function isCaseRow(value: unknown): value is CaseRow {
  if (typeof value !== 'object' || value === null) return false;
  const row = value as Partial<CaseRow>;
  return (
    typeof row.number === 'number' &&
    typeof row.name === 'string' &&
    (row.outcome === 'passed' || row.outcome === 'failed') &&
    typeof row.commit === 'string' &&
    typeof row.ranAt === 'string'
  );
}

/** The case number a case file's name starts with (`01-sigkill.fault.ts`: 1). */
export function caseNumberOf(file: string): number | undefined {
  const match = /(?:^|\/)(\d+)-[^/]*\.fault\.ts$/.exec(file);
  return match ? Number(match[1]) : undefined;
}

/**
 * A row of this run: written after the run started (the run clears the folder first, so this only
 * catches a row copied in or a clock gone back). Others commit in the same tree while a run goes on,
 * so a row of the run may name a later commit than the run's start: that is no reason to distrust it.
 * Without a run marker (cases run by hand) only rows of the commit checked out count.
 */
function staleness(row: CaseRow, run: RunMarker): string | undefined {
  if (!run.startedAt) return row.commit === run.commit ? undefined : `STALE (commit ${row.commit})`;
  return row.ranAt < run.startedAt ? 'STALE (an earlier run)' : undefined;
}

function verdictOf(row: CaseRow, run: RunMarker): { holds: boolean; verdict: string } {
  const stale = staleness(row, run);
  if (stale) return { holds: false, verdict: stale };
  if (!row.measured) return { holds: false, verdict: 'NO (failed before its checks)' };
  if (!row.measured.invariantsHold) return { holds: false, verdict: 'NO (invariants)' };
  if (row.outcome !== 'passed') return { holds: false, verdict: 'NO (case checks)' };
  return { holds: true, verdict: 'yes' };
}

/**
 * One judged row per row found (sorted by case number, then name), plus one per case file that left
 * none. `unreadable` names files in the results folder that are not rows (shown, never trusted).
 */
export function judgeRows(input: { rows: readonly unknown[]; cases: readonly CaseFile[]; run: RunMarker }): {
  judged: JudgedRow[];
  unreadable: number;
} {
  const rows = input.rows.filter(isCaseRow);
  const judged: JudgedRow[] = rows.map((row) => ({
    number: row.number,
    name: row.name,
    row,
    ...verdictOf(row, input.run),
  }));
  const withRows = new Set(rows.map((row) => row.number));
  for (const file of input.cases) {
    if (!withRows.has(file.number))
      judged.push({ number: file.number, name: file.file, holds: false, verdict: 'MISSING (no row)' });
  }
  judged.sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
  return { judged, unreadable: input.rows.length - rows.length };
}

const states = (measured: CaseMeasurement) =>
  Object.entries(measured.states)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');

/** The table line of one judged row. */
export function tableLine(judged: JudgedRow): string {
  const measured = judged.row?.measured;
  const commit = judged.row?.commit ?? '—';
  if (!measured) {
    const blanks = Array.from({ length: 8 }, () => '—').join(' | ');
    return `| ${judged.number} | ${judged.name} | ${blanks} | ${judged.verdict} | ${commit} |`;
  }
  return [
    '',
    judged.number,
    judged.name,
    measured.sent,
    states(measured),
    measured.duplicates + measured.refusedAsDuplicate,
    measured.lost,
    measured.unknownUnanswered,
    measured.receiptsKept ? 'yes' : 'NO',
    measured.unsettled.length === 0 ? 'yes' : 'NO',
    `${(measured.recoveryMs / 1000).toFixed(1)} s`,
    judged.verdict,
    commit,
    '',
  ]
    .join(' | ')
    .trim();
}

function movedDuringRun(judged: readonly JudgedRow[], run: RunMarker): boolean {
  return run.startedAt !== '' && judged.some((row) => row.row && row.row.commit !== run.commit);
}

/** The whole page. */
export function renderReport(input: {
  judged: readonly JudgedRow[];
  unreadable: number;
  fastCases: readonly string[];
  run: RunMarker;
}): string {
  const { judged } = input;
  const holding = judged.filter((row) => row.holds).length;
  const finished = judged
    .map((row) => row.row?.ranAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
  const lines = [
    '# Reliability: the fault suite’s last run',
    '',
    'Written by `npm run test:faults` (test/faults/write-report.ts) from the rows each case left; do not',
    'edit by hand. Each case runs the whole local stack (API, fauxqs, DynamoDB Local, the SMSC simulator,',
    'the bind-service in its own process behind TCP fault proxies; in case 29 also HTTP proxies that fail',
    'single items of batch calls, in case 30 an API whose calls fail whole through such proxies), sends',
    'traffic, breaks something and lets it settle: every message final or `unknown`, no receipt left,',
    'the urgent and bulk queues empty (in flight and delayed copies included) and no SUBMIT_SM for a quiet',
    'period (the queues’ visibility timeout + 1 s where a case shortens it, else 3 s). Then it checks four',
    'invariants: nothing lost (every accepted message final, or `unknown` only where the SMSC never',
    'accepted it), no duplicates (no message part in more than one SUBMIT_SM the SMSC may have taken,',
    'counted from the simulator’s log of every SUBMIT_SM it received, and none refused by its duplicate',
    'rule unless the case sends a text twice on purpose; the suite turns that rule off elsewhere so a',
    'second send is accepted and counted), every receipt kept, histories only move forward. Recovery is',
    'measured from the end of the fault to the last message settled (0.0 s: everything had settled before',
    'the fault ended).',
    '',
    '"holds" is `yes` only for a row of this run (its commit, written after the run started) whose',
    'invariants held and whose test passed, the case’s own assertions included; otherwise it says why:',
    '`NO (invariants)`, `NO (case checks)`, `NO (failed before its checks)`, `STALE (...)` for a row from',
    'before the run (or, for cases run by hand, from another commit), `MISSING (no row)` for a case file',
    'that left none.',
    '',
    "Cases in CI's fast subset (part of `npm test`, which writes no rows):",
    `${input.fastCases.join(', ')}. The rest run with \`npm run test:faults\`.`,
    '',
    '| # | case | sent | final states | duplicates | lost | unknown (SMSC never answered) | receipts kept | queues drained | recovery | holds | commit |',
    '| - | ---- | ---- | ------------ | ---------- | ---- | ----------------------------- | ------------- | -------------- | -------- | ----- | ------ |',
    ...judged.map(tableLine),
    '',
    `${holding} of ${judged.length} rows hold. Run of commit ${input.run.commit} started ${input.run.startedAt || '(no run marker)'}${
      finished ? `; last case finished ${finished}` : '; no case finished'
    }.`,
    ...(movedDuringRun(judged, input.run)
      ? [
          '',
          'Commits were made in the working tree while the run went on: each row names the commit checked out',
          'when it was written.',
        ]
      : []),
    ...(input.unreadable > 0
      ? [
          '',
          `${input.unreadable} file(s) in test/faults/.results/ were not rows of this format and were ignored.`,
        ]
      : []),
    '',
  ];
  return lines.join('\n');
}
