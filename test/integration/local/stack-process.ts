import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { collectOutput } from '#test/helpers/child-output.ts';

// Runs the local stack as a user does (`npm start`: package.json's start script; `smsc-sender start`
// the same through the CLI) in a process group of its own, as a terminal would, and finds the
// DynamoDB Local JVM it started by its parent, never by name: other files run JVMs of their own
// meanwhile. Kills only what it started, whatever the test left running.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'local/main.ts';

export interface StartOptions {
  /** Another program in place of local/main.ts, run the same way (npm-start only). */
  entry?: string;
  /** Variables over the run's environment; PORT is 0 unless given. */
  env?: Record<string, string>;
}

/**
 * What `npm start` runs, as npm runs it: package.json's start script, its command a program of
 * node_modules/.bin unless it is node itself, and `entry` in place of local/main.ts.
 */
export function npmStartCommand(entry = MAIN): { file: string; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
    scripts: { start: string };
  };
  const [command = '', ...args] = scripts.start.trim().split(/\s+/);
  if (!args.includes(MAIN)) throw new Error(`npm start runs "${scripts.start}", not ${MAIN}`);
  return {
    file: command === 'node' ? process.execPath : `${ROOT}node_modules/.bin/${command}`,
    args: args.map((arg) => (arg === MAIN ? entry : arg)),
  };
}

export interface StackProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** DynamoDB Local JVMs started by a process of this run's group (also once they are orphaned). */
  jvms(): number[];
  /** Sends `signal` to the whole process group, as a terminal's Ctrl-C or hang-up does. */
  signalGroup(signal: NodeJS.Signals): void;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the stack in a test; afterEach kills its group and every JVM it was seen to start. */
export function useStackProcess(): (how: 'npm-start' | 'cli-start', options?: StartOptions) => StackProcess {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return (how, options = {}) => {
    const run = startStackProcess(how, options);
    cleanups.push(run.cleanup);
    return run;
  };
}

function startStackProcess(
  how: 'npm-start' | 'cli-start',
  options: StartOptions,
): StackProcess & { cleanup(): void } {
  // The CLI's --port would override PORT: the API's port comes from the environment either way.
  const { file, args } =
    how === 'npm-start'
      ? npmStartCommand(options.entry)
      : { file: process.execPath, args: [`${ROOT}cli/bin.mjs`, 'start'] };
  const child = spawn(file, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = collectOutput(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const group = child.pid ?? -1;
  // Remembered once seen: an orphaned JVM's parent is no longer in the group.
  const seen = new Set<number>();
  const jvms = () => {
    for (const row of processes()) {
      if (/DynamoDBLocal/.test(row.args) && row.parentGroup === group) seen.add(row.pid);
    }
    return [...seen];
  };
  const kill = (pid: number, signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  };
  return {
    child,
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    exited,
    jvms,
    signalGroup: (signal) => kill(-group, signal),
    cleanup: () => {
      kill(-group, 'SIGKILL');
      for (const pid of seen) kill(pid, 'SIGKILL');
    },
  };
}

/** Every process with its parent's process group. */
function processes(): { pid: number; parentGroup: number; args: string }[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const rows = out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4)
    .map(([pid, ppid, pgid, ...args]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      args: args.join(' '),
    }));
  const groupOf = new Map(rows.map((row) => [row.pid, row.pgid]));
  return rows.map((row) => ({ pid: row.pid, parentGroup: groupOf.get(row.ppid) ?? -1, args: row.args }));
}
