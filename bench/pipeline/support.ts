// Shared parts of the pipeline benchmark: the local stack without its bind-service, the
// bind-service in a child process, and the statistics.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SQS_WAIT_SECONDS } from '#bind-service/config.ts';
import type { AwsCallCounts } from '#core/aws/call-counter.ts';
import { VAR } from '#core/config/variables.ts';
import { type MemoryEventSink, memoryEventSink } from '#lambdas/status-stream/event-publishers.ts';
import type { SimulatorOptions } from '#local/smsc-simulator/index.ts';
import { apiEnv } from '#local/stack-config.ts';
import { type LocalStack, startLocalStack } from '#local/start-stack.ts';
import { bindServiceNodeOptions } from '../../cdk/constructs/compute/node-heap.ts';
import { SIZING_DEFAULTS } from '../../cdk/constructs/props.ts';
import { BUNDLE_EXEC_ARGV, bindServiceBundle } from './children/bundle.ts';
import type { MemoryBreakdown } from './children/memory-breakdown.ts';
import type { KernelPeakRss } from './children/peak-rss.ts';

export { countsSince, percentile, round } from './stats.ts';

const here = dirname(fileURLToPath(import.meta.url));
const TSX = ['--import', 'tsx'];

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
    // The bind-service's long poll as deployed (20 s), not the local stack's 1 s, which is there
    // for a quick Ctrl-C: idle lanes would ask SQS 20 times as often and count in calls per message.
    env: { [VAR.SQS_WAIT_SECONDS]: String(DEFAULT_SQS_WAIT_SECONDS), ...env },
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

/** Samples of an account's pipeline while it held messages, and what held them (children/bind-service-process.ts). */
export interface PipelinePacing {
  busySamples: number;
  /** Claims under way at the claim-ahead limit and nothing awaiting a token: the store set the pace. */
  storeBound: number;
  /** Claimed messages awaiting their token: the login's rate set the pace. */
  rateBound: number;
}

export interface ChildCpu {
  micros: number;
  submitted: number;
  throttled: number;
  receipts: number;
  /** Every receipt the child answered, by what became of it (applied is `receipts`). */
  receiptOutcomes: Record<string, number>;
  /** Warning and error lines of the bind-service so far, by message. */
  warnings: Record<string, number>;
  /** Per account: what held its pipeline while it had messages. */
  pacing: Record<string, PipelinePacing>;
  /** The child's event-loop delay since the previous answer. */
  loopDelayMs: { p99: number; max: number };
  /** AWS SDK calls of the child since it started. */
  aws: AwsCallCounts;
  /** RSS now, the highest sampled (every 20 ms), the kernel's high-water mark, RSS once bound, and where the sampled peak was. */
  memory: {
    rssBytes: number;
    peakRssBytes: number;
    /** The kernel's high-water mark of the child's RSS (children/peak-rss.ts). */
    maxRssBytes: number;
    /** VmHWM (the child's own, from /proc) or ru_maxrss (no /proc: on Linux it would include the parent's RSS). */
    maxRssSource: KernelPeakRss['source'];
    boundRssBytes: number;
    atPeak: MemoryBreakdown;
  };
}

export interface BindServiceChild {
  cpu(): Promise<ChildCpu>;
  stop(): Promise<void>;
}

export interface ApiChildCpu {
  micros: number;
  aws: AwsCallCounts;
}

export interface ApiChild {
  url: string;
  cpu(): Promise<ApiChildCpu>;
  stop(): Promise<void>;
}

export const bindServiceNodeOptionsInBench = () =>
  process.env.BENCH_BIND_SERVICE_NODE_OPTIONS ?? bindServiceNodeOptions(SIZING_DEFAULTS.memoryLimitMiB);

export const bindServiceRuntime = () => (process.env.BENCH_BIND_SERVICE === 'tsx' ? 'tsx' : 'bundle');

/** BENCH_PROFILE_DIR: the bind-service and API children write a V8 CPU profile there when they stop (Node refuses --cpu-prof in NODE_OPTIONS). */
const profileArgs = () => {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
};

/**
 * The bind-service in a child process: the bundle under plain `node` (what ships, bundle.ts), or
 * bind-service-process.ts under tsx with BENCH_BIND_SERVICE=tsx (to compare); with the NODE_OPTIONS
 * the task gets at the default size, or BENCH_BIND_SERVICE_NODE_OPTIONS ('' for V8's defaults).
 */
export async function startBindServiceChild(env: Record<string, string>): Promise<BindServiceChild> {
  const underTsx = bindServiceRuntime() === 'tsx';
  const file = underTsx ? join(here, 'children', 'bind-service-process.ts') : await bindServiceBundle();
  const child = await forkChild(file, { ...env, NODE_OPTIONS: bindServiceNodeOptionsInBench() }, [
    ...(underTsx ? TSX : BUNDLE_EXEC_ARGV),
    ...profileArgs(),
  ]);
  await child.next('bound');
  return { cpu: () => child.ask<ChildCpu>('cpu'), stop: child.stop };
}

/** The API's HTTP server alone in a process (bench/pipeline/children/api-process.ts), on the stack's tables and queues. */
export async function startApiChild(stack: LocalStack): Promise<ApiChild> {
  const env = apiEnv({
    env: {},
    region: stack.region,
    endpoints: { dynamodb: stack.endpoints.dynamodb, sqs: stack.endpoints.sqs },
    tables: stack.tables,
    queues: stack.queues,
  });
  const child = await forkChild(join(here, 'children', 'api-process.ts'), env, [...TSX, ...profileArgs()]);
  const { url } = await child.next<{ url: string }>('listening');
  return { url, cpu: () => child.ask<ApiChildCpu>('cpu'), stop: child.stop };
}

/** A bench child over IPC: `next(type)` waits for its next message of that type. */
async function forkChild(file: string, env: Record<string, string>, execArgv: string[]) {
  const child: ChildProcess = fork(file, [], {
    execArgv,
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
      const onExit = (code: number | null) => reject(new Error(`${file} exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    next,
    ask: <T>(type: string) => {
      const answer = next<T>(type);
      child.send({ type });
      return answer;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.send({ type: 'stop' });
      await exited;
    },
  };
}

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
