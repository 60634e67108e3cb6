import { appendFileSync } from 'node:fs';
import { connect } from 'node:net';
import { relative } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { sharedTurnTest } from './shared-turn-tests.ts';

// Setup file of the stack project: the file asks for its turn before it is imported, is imported
// meanwhile (about a second of CPU, overlapping the file that has the turn: no test file starts a
// server or a process at import), and waits for the turn before its first hook. It gives the turn
// back after its own afterAll hooks, which run before this one (hooks run as a stack), so its
// servers and child processes are gone by then.

/** Longer than any file waits for its turn in a whole run; a keeper that never answers fails the file. */
const TURN_WAIT_MS = 30 * 60_000;

const path = relative(process.cwd(), expect.getState().testPath ?? '');
const shared = sharedTurnTest(path);
const asked = shared ? `shared ${shared.busyPercent}` : 'alone';
const turn = connect(inject('fileTurnsPort'), '127.0.0.1');

const granted = new Promise<void>((resolve, reject) => {
  let answer = '';
  turn.setEncoding('utf8');
  turn.on('error', reject);
  turn.on('data', (chunk: string) => {
    answer += chunk;
    if (answer === 'go\n') resolve();
    else if (answer.endsWith('\n')) reject(new Error(`the turn keeper said: ${answer.trim()}`));
  });
  turn.write(`${asked}\n`);
});
// Awaited in the hook below; until then a refusal must not count as unhandled.
granted.catch(() => undefined);

const askedAt = Date.now();
let grantedAt = askedAt;

beforeAll(async () => {
  await granted;
  grantedAt = Date.now();
}, TURN_WAIT_MS);

afterAll(() => {
  logTurn();
  turn.end();
});

/**
 * With FILE_TURNS_LOG set to a file, one JSON line a test file: how long it held its turn and waited
 * for it. vitest's own figure for a file includes the wait, so it does not say what a file costs.
 */
function logTurn(): void {
  const log = process.env.FILE_TURNS_LOG;
  if (!log) return;
  const line = { path, asked, heldMs: Date.now() - grantedAt, waitedMs: grantedAt - askedAt };
  appendFileSync(log, `${JSON.stringify(line)}\n`);
}
