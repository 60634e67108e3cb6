import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { within } from '#test/helpers/wait.ts';
import { eventually, type StackFixture, useLocalStack } from '#test/integration/local/stack/stack-fixture.ts';
import { type CliRun, useCli } from './cli-process.ts';

// `smsc-sender batch --csv` against the whole local stack, stopped with SIGINT half-way and run
// again: every valid row reaches the SMSC exactly once, the invalid rows are listed with reasons.
// 200 rows here; the 10,000-row run is in the report (it takes minutes on a loaded 2-core machine).

const ROWS = 200;
const INVALID_ROWS = new Map([
  [57, '12'],
  [161, 'not-a-number'],
]);

function destination(row: number): string {
  return `+7999300${String(row).padStart(4, '0')}`;
}

describe('smsc-sender batch --csv', () => {
  const fixture = useLocalStack({ env: { SMPP_THROUGHPUT: '1000', SMPP_WINDOW: '300' } });
  const cli = useCli(() => fixture.stack.apiUrl);
  const dir = mkdtempSync(join(tmpdir(), 'smsc-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a run is interrupted with SIGINT and run again, then every row is sent exactly once', {
    timeout: 220_000,
  }, async () => {
    // Prepare
    const csv = join(dir, 'mailing.csv');
    const lines = ['to,text,client_ref'];
    for (let row = 1; row <= ROWS; row++) {
      lines.push(`${INVALID_ROWS.get(row) ?? destination(row)},Mailing row ${row},batch-${row}`);
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const journal = `${csv}.progress.jsonl`;
    const journalLines = () =>
      existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 2 : 0;

    // Act: the first run, stopped after about a third of the rows, and the rerun to the end. Every
    // step has its own bound (together less than the test's), so a slow step names itself.
    const started = performance.now();
    const timeline: string[] = [];
    const mark = (step: string) =>
      timeline.push(`${step} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const runs: CliRun[] = [];
    const valid = ROWS - INVALID_ROWS.size;
    const ours = () => fixture.sim.messages.filter((message) => message.destination.startsWith('79993'));
    let firstCode = -1;
    let settledByFirst = -1;
    let secondCode = -1;
    const first = cli(['batch', '--csv', csv, '--rate', '60', '--concurrency', '8']);
    runs.push(first);
    let second: CliRun | undefined;
    try {
      await eventually(
        async () => journalLines() >= ROWS / 3,
        40_000,
        'a third of the rows to be journalled',
      );
      mark('a third journalled');
      first.child.kill('SIGINT');
      firstCode = await within(first.exited, 20_000, 'the first run to stop');
      settledByFirst = journalLines();
      mark('first run stopped');
      second = cli(['batch', '--csv', csv, '--concurrency', '8']);
      runs.push(second);
      secondCode = await within(second.exited, 80_000, 'the second run to finish');
      mark('second run ended');
      await eventually(async () => ours().length >= valid, 60_000, 'every valid row to reach the simulator');
    } catch (error) {
      mark('gave up');
      throw new Error(`${(error as Error).message}\n${await diagnosis(fixture, timeline, runs, ours())}`);
    }

    // Assess
    expect(firstCode).toBe(130);
    expect(first.stdout).toContain('interrupted: run the same command again');
    expect(settledByFirst).toBeGreaterThanOrEqual(ROWS / 3);
    expect(settledByFirst).toBeLessThan(ROWS);
    // 1: rows 57 and 161 were rejected, so the mailing is not wholly sent.
    expect(secondCode).toBe(1);
    expect(second?.stderr).toContain(`resuming: ${settledByFirst} of ${ROWS} rows settled`);
    expect(second?.stdout).toMatch(/rejected rows/);
    expect(second?.stdout).toMatch(/│ 57\s+│ validation_failed/);
    expect(second?.stdout).toMatch(/│ 161\s+│ validation_failed/);
    const perDestination = new Map<string, number>();
    for (const message of ours()) {
      perDestination.set(message.destination, (perDestination.get(message.destination) ?? 0) + 1);
    }
    expect(perDestination.size).toBe(valid);
    expect(Math.max(...perDestination.values())).toBe(1);
    const records = await fixture.items(fixture.stack.tables.messages, 'MSG#');
    expect(records.filter((record) => String(record.clientRef).startsWith('batch-'))).toHaveLength(valid);
    expect(journalLines()).toBe(ROWS);
  });
});

/** What a failed run leaves to go on: the steps' times, the CLI's output, and each missing row's record. */
async function diagnosis(
  fixture: StackFixture,
  timeline: string[],
  runs: CliRun[],
  atSimulator: { destination: string }[],
): Promise<string> {
  const seen = new Set(atSimulator.map((message) => message.destination));
  const records = await fixture.items(fixture.stack.tables.messages, 'MSG#');
  const byRef = new Map(records.map((record) => [String(record.clientRef), record]));
  const missing: string[] = [];
  for (let row = 1; row <= ROWS; row++) {
    if (INVALID_ROWS.has(row) || seen.has(destination(row).slice(1))) continue;
    const record = byRef.get(`batch-${row}`);
    missing.push(`row ${row}: ${record ? JSON.stringify(record) : 'no MSG# record'}`);
  }
  const tail = (text: string) => text.trim().split('\n').slice(-12).join('\n');
  return [
    `steps: ${timeline.join(', ')}`,
    ...runs.map(
      (run, index) =>
        `run ${index + 1} stdout:\n${tail(run.stdout)}\nrun ${index + 1} stderr:\n${tail(run.stderr)}`,
    ),
    `${missing.length} valid rows not at the simulator:`,
    ...missing.slice(0, 20),
    'last warnings of the stack:',
    ...fixture.logs.filter((line) => /warn|error/i.test(line)).slice(-30),
  ].join('\n');
}
