import { describe, expect, it } from 'vitest';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { alive, useStackProcess } from './stack-process.ts';

// Ctrl-C while `npm start` is still starting (10-20 s: the JVM, tables, queues, the bind). DynamoDB
// Local's JVM runs detached, out of the terminal's reach, so only our process can stop it: the
// signal handlers must be there before the JVM is, and the start must stop what it has started.

describe('a stop signal while the local stack is still starting', () => {
  const start = useStackProcess();

  it('when `smsc-sender start` gets Ctrl-C before the stack is up, then it stops the JVM it started and exits 130', {
    timeout: 60_000,
  }, async () => {
    // Prepare: the JVM is spawned, the rest of the stack is not up yet.
    const run = start('cli-start');
    await waitUntil(() => run.jvms().length > 0, 40_000, 'DynamoDB Local to be spawned', 50);
    const jvms = run.jvms();
    expect(run.stdout).not.toContain('local stack is up');
    // Act: Ctrl-C reaches the whole process group.
    run.signalGroup('SIGINT');
    const exited = await within(run.exited, 30_000, 'the stack process to end');
    // Assess: the start's stop waits for the JVM; a short grace covers the kill-on-exit path.
    await waitUntil(() => jvms.every((pid) => !alive(pid)), 3_000, 'the JVM to end').catch(() => undefined);
    expect({ exited, jvmsRunning: jvms.filter(alive) }, run.stderr.slice(-1500)).toEqual({
      exited: { code: 130, signal: null },
      jvmsRunning: [],
    });
    expect(run.stderr).toContain('SIGINT while starting: stopping what has started so far');
  });
});
