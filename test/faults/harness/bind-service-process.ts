import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// The bind-service as ECS runs it: its own process, started from bind-service/main.ts with an
// environment, stopped by a signal. A fault case kills it (SIGKILL), stops it (SIGTERM) or lets a
// crash point end it, then starts a new one with the same settings.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const KEPT_LINES = 2_000;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class BindServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<ExitInfo>;
  /** JSON log lines of every run, newest last (bounded). */
  readonly lines: string[] = [];
  starts = 0;

  constructor(private readonly baseEnv: Record<string, string>) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts a process (the previous one must have exited); `env` adds or overrides variables,
   * `unset` removes some of the base settings (say the inline login, for a secret instead). */
  start(env: Record<string, string> = {}, unset: readonly string[] = []): void {
    if (this.running) throw new Error('bind-service is already running');
    const merged: Record<string, string> = { PATH: process.env.PATH ?? '', ...this.baseEnv, ...env };
    for (const name of unset) delete merged[name];
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bind-service/main.ts')], {
      cwd: repoRoot,
      env: merged,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.starts++;
    this.child = child;
    this.exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
      });
    }
  }

  /** Sends a signal and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<ExitInfo> {
    const child = this.child;
    if (!child || !this.exited) throw new Error('bind-service was never started');
    if (this.running) child.kill(signal);
    return this.exited;
  }

  /** The current process's exit, whenever it comes. */
  whenExited(): Promise<ExitInfo> {
    if (!this.exited) throw new Error('bind-service was never started');
    return this.exited;
  }

  /** Log lines whose `msg` matches, across all runs. */
  logged(msg: string | RegExp): string[] {
    return this.lines.filter((line) => (typeof msg === 'string' ? line.includes(msg) : msg.test(line)));
  }

  async stop(): Promise<void> {
    if (this.running) await this.kill('SIGKILL');
  }
}
