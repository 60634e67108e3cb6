import { connect } from 'node:net';
import { relative } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { isSharedTurnTest } from './shared-turn-tests.ts';

// Setup file of the stack project: the file waits for its turn before it is even imported (its
// imports cost a second of CPU), and gives the turn back after its own afterAll hooks, which run
// before this one (hooks run as a stack), so its servers and child processes are gone by then.

const path = relative(process.cwd(), expect.getState().testPath ?? '');
const kind = isSharedTurnTest(path) ? 'shared' : 'alone';
const turn = connect(inject('fileTurnsPort'), '127.0.0.1');

await new Promise<void>((resolve, reject) => {
  let answer = '';
  turn.setEncoding('utf8');
  turn.on('error', reject);
  turn.on('data', (chunk: string) => {
    answer += chunk;
    if (answer === 'go\n') resolve();
    else if (answer.endsWith('\n')) reject(new Error(`the turn keeper said: ${answer.trim()}`));
  });
  turn.write(`${kind}\n`);
});

afterAll(() => {
  turn.end();
});
