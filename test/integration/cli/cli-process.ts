import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { collectOutput } from '#test/helpers/child-output.ts';

// Runs `smsc-sender` as a user does (node cli/bin.mjs …, its own process), and makes sure no child
// outlives its test.

const BIN = fileURLToPath(new URL('../../../cli/bin.mjs', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (or 128 + signal number when killed by a signal). */
  exited: Promise<number>;
}

export function useCli(endpoint: () => string): (args: string[]) => CliRun {
  const running = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    running.clear();
  });
  return (args) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, SMSC_ENDPOINT: endpoint(), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const output = collectOutput(child);
    const exited = new Promise<number>((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 137)));
    });
    return {
      child,
      get stdout() {
        return output.stdout;
      },
      get stderr() {
        return output.stderr;
      },
      exited,
    };
  };
}
