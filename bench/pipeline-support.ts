// Shared parts of the pipeline benchmark: the local stack without its bind-service, the
// bind-service in a child process, and the statistics.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MemoryEventSink, memoryEventSink } from '#lambdas/status-stream/event-publishers.ts';
import type { SimulatorOptions } from '#local/smsc-simulator/index.ts';
import { type LocalStack, startLocalStack } from '#local/start-stack.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface BenchStack {
  stack: LocalStack;
  /** Status events from the stream (not kept: counted through onEvent). */
  events: MemoryEventSink;
}

/** The local stack with the bind-service left out (startBindServiceChild runs it). Logs: warnings up. */
export async function startBenchStack(env: Record<string, string>, simulator: Partial<SimulatorOptions>) {
  let stackWarnings = 0;
  const events = memoryEventSink({ keep: false });
  const stack = await startLocalStack({
    env,
    apiPort: 0,
    prefix: 'bench',
    bindService: false,
    events: events.publish,
    simulator,
    write: (line) => {
      // Only trouble, and only the first few lines of it.
      if (!line.includes('"level":"info"') && ++stackWarnings <= 5) process.stderr.write(`${line}\n`);
    },
  });
  return { stack, events } satisfies BenchStack;
}

export interface ChildCpu {
  micros: number;
  submitted: number;
  throttled: number;
  receipts: number;
  /** Warning and error lines of the bind-service so far, by message. */
  warnings: Record<string, number>;
  /** The child's event-loop delay since the previous answer. */
  loopDelayMs: { p99: number; max: number };
}

export interface BindServiceChild {
  cpu(): Promise<ChildCpu>;
  stop(): Promise<void>;
}

export async function startBindServiceChild(env: Record<string, string>): Promise<BindServiceChild> {
  const child: ChildProcess = fork(join(here, 'pipeline-bind-service.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...env, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) => reject(new Error(`bind-service child exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  await next('bound');
  return {
    cpu: async () => {
      const answer = next<ChildCpu>('cpu');
      child.send({ type: 'cpu' });
      return answer;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** Counts added between two snapshots of the same counters. */
export function countsSince(
  after: Record<string, number>,
  before: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, count]) => [key, count - (before[key] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

/** Nearest-rank percentile of unsorted values (ms). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** `+7999` and seven digits: distinct valid Russian mobile numbers per index. */
export function mobile(prefix: string, index: number): string {
  return `+7999${prefix}${String(index).padStart(7 - prefix.length, '0')}`;
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** Resolves when `condition` holds; rejects when `progress()` has not changed for stallMs. */
export async function waitWithProgress(
  condition: () => boolean,
  progress: () => number,
  stallMs: number,
  what: string,
): Promise<void> {
  let last = progress();
  let lastChange = Date.now();
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = progress();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      throw new Error(`${what}: no progress for ${stallMs} ms (at ${now})`);
    }
  }
}
