import { describe, expect, it } from 'vitest';
import {
  type CaseMeasurement,
  type CaseRow,
  caseNumberOf,
  judgeRows,
  type RunMarker,
  renderReport,
} from '#test/faults/report.ts';

// docs/reliability.md from the rows of test/faults/.results/: "yes" only for a row of this run whose
// invariants held and whose test passed; an old row, a failed case and a case with no row say so.

const RUN: RunMarker = { commit: '2222222', startedAt: '2026-12-06T09:00:00.000Z' };

const HELD: CaseMeasurement = {
  sent: 40,
  states: { delivered: 40 },
  duplicates: 0,
  refusedAsDuplicate: 0,
  lost: 0,
  unknownUnanswered: 0,
  receiptsKept: true,
  regressions: 0,
  unsettled: [],
  recoveryMs: 700,
  invariantsHold: true,
};

function row(number: number, overrides: Partial<CaseRow> = {}): CaseRow {
  return {
    number,
    name: `case ${number}`,
    file: `x/${String(number).padStart(2, '0')}-case.fault.ts`,
    outcome: 'passed',
    measured: HELD,
    commit: RUN.commit,
    ranAt: '2026-12-06T09:30:00.000Z',
    ...overrides,
  };
}

const CASES = [
  { number: 2, file: 'process/02-sigterm.fault.ts' },
  { number: 14, file: 'smsc/link/14-enquire-link-stops.fault.ts' },
];

function verdicts(rows: unknown[], cases = CASES) {
  return judgeRows({ rows, cases, run: RUN }).judged.map(({ number, verdict, holds }) => ({
    number,
    verdict,
    holds,
  }));
}

describe('the reliability report: judging rows', () => {
  it('when a row is of this run, its invariants held and its test passed, then it holds', () => {
    // Act
    const judged = verdicts([row(2), row(14)]);
    // Assess
    expect(judged).toEqual([
      { number: 2, verdict: 'yes', holds: true },
      { number: 14, verdict: 'yes', holds: true },
    ]);
  });

  it('when a case left no row in this run, then it is listed as missing, not left out', () => {
    // Act
    const judged = verdicts([row(14)]);
    // Assess
    expect(judged).toEqual([
      { number: 2, verdict: 'MISSING (no row)', holds: false },
      { number: 14, verdict: 'yes', holds: true },
    ]);
  });

  it('when a row was written before this run started, then it is stale', () => {
    // Act
    const judged = verdicts([
      row(2, { commit: '1111111', ranAt: '2026-11-01T10:00:00.000Z' }),
      row(14, { ranAt: '2026-12-06T08:59:59.000Z' }),
    ]);
    // Assess
    expect(judged).toEqual([
      { number: 2, verdict: 'STALE (an earlier run)', holds: false },
      { number: 14, verdict: 'STALE (an earlier run)', holds: false },
    ]);
  });

  it('when cases were run by hand (no run marker), then a row of another commit is stale', () => {
    // Act
    const { judged } = judgeRows({
      rows: [row(2, { commit: '1111111' }), row(14)],
      cases: CASES,
      run: { commit: RUN.commit, startedAt: '' },
    });
    // Assess
    expect(judged.map(({ verdict }) => verdict)).toEqual(['STALE (commit 1111111)', 'yes']);
  });

  it('when someone commits while the run goes on, then a row of the run naming the newer commit still holds', () => {
    // Act
    const { judged } = judgeRows({ rows: [row(2, { commit: '3333333' }), row(14)], cases: CASES, run: RUN });
    const page = renderReport({ judged, unreadable: 0, fastCases: [], run: RUN });
    // Assess
    expect(judged.map(({ verdict }) => verdict)).toEqual(['yes', 'yes']);
    expect(page).toContain('each row names the commit checked out');
  });

  it('when the invariants held but the case’s own assertions failed, then it does not hold', () => {
    // Act
    const judged = verdicts([row(2, { outcome: 'failed' }), row(14)]);
    // Assess
    expect(judged[0]).toEqual({ number: 2, verdict: 'NO (case checks)', holds: false });
  });

  it('when the invariants broke, or the case failed before its checks, then it says which', () => {
    // Prepare
    const { measured: _measured, ...unmeasured } = row(14, { outcome: 'failed' });
    // Act
    const judged = verdicts([
      row(2, { outcome: 'failed', measured: { ...HELD, invariantsHold: false } }),
      unmeasured,
    ]);
    // Assess
    expect(judged).toEqual([
      { number: 2, verdict: 'NO (invariants)', holds: false },
      { number: 14, verdict: 'NO (failed before its checks)', holds: false },
    ]);
  });

  it('when a file holds a row of the old format (no outcome), then it is not trusted and the case is missing', () => {
    // Prepare: what run-case.ts wrote before rows carried the test's outcome.
    const old = {
      number: 2,
      name: 'SIGTERM',
      holds: true,
      commit: RUN.commit,
      ranAt: '2026-12-06T09:30:00.000Z',
    };
    // Act
    const { judged, unreadable } = judgeRows({ rows: [old, row(14)], cases: CASES, run: RUN });
    // Assess
    expect(unreadable).toBe(1);
    expect(judged.map((entry) => entry.verdict)).toEqual(['MISSING (no row)', 'yes']);
  });

  it('when a case has several variants, then each is its own row and the case is not missing', () => {
    // Act
    const judged = verdicts([
      row(2, { name: 'crash: b' }),
      row(2, { name: 'crash: a', outcome: 'failed' }),
      row(14),
    ]);
    // Assess
    expect(judged).toEqual([
      { number: 2, verdict: 'NO (case checks)', holds: false },
      { number: 2, verdict: 'yes', holds: true },
      { number: 14, verdict: 'yes', holds: true },
    ]);
  });
});

describe('the reliability report: the page', () => {
  it('when rows are rendered, then a held row, a stale one and a missing case read as such', () => {
    // Prepare
    const { judged, unreadable } = judgeRows({
      rows: [row(2, { ranAt: '2026-11-01T10:00:00.000Z', name: 'SIGTERM while draining a backlog' })],
      cases: CASES,
      run: RUN,
    });
    // Act
    const page = renderReport({ judged, unreadable, fastCases: ['02-sigterm'], run: RUN });
    const lines = page.split('\n');
    // Assess
    expect(lines.find((line) => line.startsWith('| 2 |'))).toBe(
      '| 2 | SIGTERM while draining a backlog | 40 | delivered 40 | 0 | 0 | 0 | yes | yes | 0.7 s | STALE (an earlier run) | 2222222 |',
    );
    expect(lines.find((line) => line.startsWith('| 14 |'))).toBe(
      '| 14 | smsc/link/14-enquire-link-stops.fault.ts | — | — | — | — | — | — | — | — | MISSING (no row) | — |',
    );
    expect(page).toContain('0 of 2 rows hold.');
  });

  it('when a row counts duplicates and refusals by the duplicate rule, or copies left queued, then the page shows them', () => {
    // Prepare
    const measured = {
      ...HELD,
      duplicates: 1,
      refusedAsDuplicate: 2,
      unsettled: ['bulk queue: 55 copies'],
      invariantsHold: false,
    };
    const { judged } = judgeRows({
      rows: [row(2, { measured, outcome: 'failed' }), row(14)],
      cases: CASES,
      run: RUN,
    });
    // Act
    const page = renderReport({ judged, unreadable: 0, fastCases: [], run: RUN });
    // Assess
    expect(page).toContain(
      '| 2 | case 2 | 40 | delivered 40 | 3 | 0 | 0 | yes | NO | 0.7 s | NO (invariants) | 2222222 |',
    );
    expect(page).toContain('1 of 2 rows hold.');
  });

  it('when a file name is read, then its case number is the number it starts with', () => {
    // Assess
    expect(caseNumberOf('process/01-sigkill.fault.ts')).toBe(1);
    expect(caseNumberOf('smsc/link/14-enquire-link-stops.fault.ts')).toBe(14);
    expect(caseNumberOf('zz-audit-faults-3.test.ts')).toBeUndefined();
  });
});
