import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { collectOutput } from '#test/helpers/child-output.ts';

// Runs the local stack as a user does (`npm start` is tsx local/main.ts; `smsc-sender start` the
// same through the CLI) in a process group of its own, as a terminal would, and finds the DynamoDB
// Local JVM it started by its parent, never by name: other files run JVMs of their own meanwhile.
// Kills only what it started, whatever the test left running.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

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
export function useStackProcess(): (how: 'npm-start' | 'cli-start') => StackProcess {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return (how) => {
    const run = startStackProcess(how);
    cleanups.push(run.cleanup);
    return run;
  };
}

function startStackProcess(how: 'npm-start' | 'cli-start'): StackProcess & { cleanup(): void } {
  const args =
    how === 'npm-start'
      ? [`${ROOT}node_modules/tsx/dist/cli.mjs`, 'local/main.ts']
      : [`${ROOT}cli/bin.mjs`, 'start', '--port', '0'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', NO_COLOR: '1' },
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
