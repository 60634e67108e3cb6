import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// `smsc-sender start` (as `npm start`) ended by a signal other than Ctrl-C: a hang-up (the terminal
// window closed, the SSH session dropped) or SIGQUIT. DynamoDB Local's JVM runs detached, out of
// the terminal's reach, and a signal's default action ends Node without its 'exit' handlers: unless
// the stack stops on these too, the JVM is left running, a few hundred MB each time.

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The JVMs `pid` started (DynamoDB Local), by their command line. */
function javaChildren(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter((line) => /java|DynamoDBLocal/i.test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((n) => Number.isInteger(n) && n > 0);
}

describe('smsc-sender start ended by a hang-up or SIGQUIT', () => {
  const cli = useCli(() => 'http://127.0.0.1:9');
  const jvms: number[] = [];
  afterEach(() => {
    for (const pid of jvms.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already, as it should be.
      }
    }
  });

  it.each(['SIGHUP', 'SIGQUIT'] as const)(
    'when start gets %s, then it stops the stack and no DynamoDB Local JVM is left running',
    {
      timeout: 150_000,
    },
    async (signal) => {
      // Prepare
      const start = cli(['start', '--port', '0']);
      await waitUntil(() => start.stdout.includes('local stack is up'), 120_000, 'the local stack to start');
      jvms.push(...javaChildren(start.child.pid ?? 0));
      expect(jvms.length, start.stderr.slice(-2000)).toBe(1);
      // Act
      start.child.kill(signal);
      const code = await within(start.exited, 30_000, 'the stack process to end');
      // Assess: stop() waits for the JVM, so it is gone by the time the process has ended.
      expect({ code, jvmsRunning: jvms.filter(alive) }, start.stderr.slice(-2000)).toEqual({
        code: 0,
        jvmsRunning: [],
      });
      expect(start.stderr).toContain(`${signal}: stopping`);
    },
  );
});
