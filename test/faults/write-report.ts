// Writes docs/reliability.md from the rows the fault cases left in test/faults/.results/ (one JSON
// file per case and variant, written by run-case.ts once the case's test has ended). Run by
// `npm run test:faults` twice: with `--start` before the suite (clears the old rows and notes the
// run's commit and start), and without after it; never edited by hand. The judging is report.ts's.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseFiles } from './case-files.ts';
import { FAST_CASES } from './fast-cases.ts';
import { judgeRows, type RunMarker, renderReport } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, '.results');
const runFile = join(resultsDir, 'run.json');
const target = join(here, '../../docs/reliability.md');

function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

if (process.argv.includes('--start')) {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const run: RunMarker = { commit: currentCommit(), startedAt: new Date().toISOString() };
  writeFileSync(runFile, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(`test/faults/.results: cleared for a run of ${run.commit}\n`);
} else {
  const marker = readJson(runFile) as Partial<RunMarker> | undefined;
  // Without a marker (cases run by hand), rows count only if they are of the commit checked out.
  const run: RunMarker = {
    commit: typeof marker?.commit === 'string' ? marker.commit : currentCommit(),
    startedAt: typeof marker?.startedAt === 'string' ? marker.startedAt : '',
  };
  const rows = existsSync(resultsDir)
    ? readdirSync(resultsDir)
        .filter((file) => file.startsWith('case-') && file.endsWith('.json'))
        .map((file) => readJson(join(resultsDir, file)))
    : [];
  const { judged, unreadable } = judgeRows({ rows, cases: caseFiles(), run });
  writeFileSync(target, renderReport({ judged, unreadable, fastCases: FAST_CASES, run }));
  const holding = judged.filter((row) => row.holds).length;
  process.stdout.write(`docs/reliability.md: ${judged.length} rows, ${holding} hold\n`);
}
