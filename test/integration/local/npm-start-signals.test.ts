import { describe, expect, it } from 'vitest';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { useStackProcess } from './stack-process.ts';

// Ctrl-C to `npm start` on a busy machine. README: "Ctrl-C stops everything (the bind-service drains
// and unbinds first) ... no process is left behind", which local/main.ts does once its signal
// handler runs. `tsx local/main.ts` ran it as a child of tsx's runner, which relays the signal, waits
// 30 ms twice for the child to acknowledge it and then SIGKILLs it: with the event loop busy for
// longer, no drain, no unbind, and DynamoDB Local's JVM (a process group of its own) left running.
// A small program busy like that stands in for local/main.ts, run exactly as `npm start` runs it.

const BUSY_PROGRAM = 'test/integration/local/busy-program.ts';

describe('Ctrl-C to `npm start` on a busy machine', () => {
  const start = useStackProcess();

  it('when Ctrl-C reaches npm start while its program is busy for 200 ms at a time, then the program still stops its own way and exits as it decides', {
    timeout: 30_000,
  }, async () => {
    // Prepare
    const run = start('npm-start', { entry: BUSY_PROGRAM });
    await waitUntil(() => run.stdout.includes('running'), 20_000, 'the program to run', 20);
    // Act: Ctrl-C reaches the whole process group, as from a terminal
    run.signalGroup('SIGINT');
    const exited = await within(run.exited, 5_000, 'the program to end');
    // Assess: before, tsx's runner killed it (exit 130) before its handler could run
    expect({ exited, stdout: run.stdout }, run.stderr.slice(-1500)).toEqual({
      exited: { code: 0, signal: null },
      stdout: 'running\nstopped by its own handler\n',
    });
  });
});
