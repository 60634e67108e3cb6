// Writes docs/reliability.md from the rows the fault cases left in test/faults/.results/ (one JSON
// file per case, written by run-case.ts at the end of each case). Run by `npm run test:faults` after
// the suite; never edited by hand.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAST_CASES } from './fast-cases.ts';

interface Row {
  number: number;
  name: string;
  sent: number;
  states: Record<string, number>;
  duplicates: number;
  lost: number;
  unknownUnanswered: number;
  receiptsKept: boolean;
  regressions: number;
  recoveryMs: number;
  holds: boolean;
  commit: string;
  ranAt: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, '.results');
const target = join(here, '../../docs/reliability.md');

const rows: Row[] = existsSync(resultsDir)
  ? readdirSync(resultsDir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as Row)
      .sort((a, b) => a.number - b.number)
  : [];

const states = (row: Row) =>
  Object.entries(row.states)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');

const lines = [
  '# Reliability: the fault suite’s last run',
  '',
  'Written by `npm run test:faults` (test/faults/write-report.ts) from the rows each case left; do not',
  'edit by hand. Each case runs the whole local stack (API, fauxqs, DynamoDB Local, the SMSC simulator,',
  'the bind-service in its own process behind TCP fault proxies; in case 29 also HTTP proxies that fail',
  'single items of batch calls, in case 30 an API whose calls fail whole through such proxies), sends',
  'traffic, breaks something, lets it settle and checks four invariants: nothing lost (every accepted',
  'message final, or `unknown` only where the SMSC never accepted it), no duplicates at the SMSC, every',
  'receipt kept, histories only move forward. Recovery is measured from the end of the fault to the',
  'last message settled (0.0 s: everything had settled before the fault ended).',
  '',
  "Cases in CI's fast subset (part of `npm test`):",
  `${FAST_CASES.join(', ')}. The rest run with \`npm run test:faults\`.`,
  '',
  '| # | case | sent | final states | duplicates | lost | unknown (SMSC never answered) | receipts kept | recovery | holds | commit |',
  '| - | ---- | ---- | ------------ | ---------- | ---- | ----------------------------- | ------------- | -------- | ----- | ------ |',
  ...rows.map(
    (row) =>
      `| ${row.number} | ${row.name} | ${row.sent} | ${states(row)} | ${row.duplicates} | ${row.lost} | ${row.unknownUnanswered} | ${row.receiptsKept ? 'yes' : 'NO'} | ${(row.recoveryMs / 1000).toFixed(1)} s | ${row.holds ? 'yes' : 'NO'} | ${row.commit} |`,
  ),
  '',
  rows.length > 0
    ? `Last case finished ${rows
        .map((row) => row.ranAt)
        .sort()
        .at(-1)}.`
    : 'No case has run yet.',
  '',
];
writeFileSync(target, lines.join('\n'));
process.stdout.write(`docs/reliability.md: ${rows.length} cases\n`);
