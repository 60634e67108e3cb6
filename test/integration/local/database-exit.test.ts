import { describe, expect, it } from 'vitest';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { useStackProcess } from './stack-process.ts';

// DynamoDB Local dies under a running `npm start` (kill -9, the OOM killer, a crash). It runs in
// memory, so every table and record is gone and nothing can recover: the stack must say so and
// stop, as it does when the bind-service cannot go on, instead of answering 503 "try again
// shortly" for ever while its stream pollers log ECONNREFUSED.

describe('DynamoDB Local dies under a running `npm start`', () => {
  const start = useStackProcess();

  it('when its JVM is killed, then the stack names it, says the data is gone, stops and exits 1', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const run = start('npm-start');
    await waitUntil(() => run.stdout.includes('local stack is up'), 90_000, 'the local stack to start', 50);
    const [jvm] = run.jvms();
    expect(jvm).toBeDefined();
    // Act
    process.kill(jvm as number, 'SIGKILL');
    const exited = await within(run.exited, 20_000, 'the stack to stop after losing its database').catch(
      (error: unknown) => String(error),
    );
    // Assess
    expect(exited, run.stderr.slice(-1500)).toEqual({ code: 1, signal: null });
    expect(run.stderr).toContain(
      'DynamoDB Local exited (killed by SIGKILL): the local data is gone (every table and record',
    );
    expect(run.stderr).toContain('stopped');
  });
});
