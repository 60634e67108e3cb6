// Part (c) of the pipeline benchmark, and the API's cost. A backlog (BENCH_BACKLOG, default 20 000)
// is queued before the bind-service starts: the first BENCH_API_MESSAGES (default 2000, after 200 to
// warm up) as single POST /v1/messages to the API in its own process, whose CPU time and AWS calls
// per accepted message are measured while nothing else runs in it; the rest through POST /v1/batches.
// Then the bind-service starts with SMPP_WINDOW=2000 at an account rate of 2000/s and drains it; its
// peak RSS (sampled every 20 ms in the child, and the kernel's high-water mark VmHWM of the child,
// children/peak-rss.ts) and the drain time are reported. A warm-up send the cold store refused is made
// up for in the batches, so the backlog is BENCH_BACKLOG whatever the warm-up met. The figure counts
// for issue 11's target only at window 2000 with >= 20,000 queued, drained in full, in the bundle with
// the task's NODE_OPTIONS (validity.ts): the run records each of them.

import { type CallsPerUnit, callsPer, callsSince } from '#core/aws/call-counter.ts';
import { VAR } from '#core/config/variables.ts';
import type { SmscSimulator } from '#local/smsc-simulator/index.ts';
import { bindServiceNodeOptions } from '../../cdk/constructs/compute/node-heap.ts';
import { SIZING_DEFAULTS } from '../../cdk/constructs/props.ts';
import type { MemoryBreakdown } from './children/memory-breakdown.ts';
import type { KernelPeakRss } from './children/peak-rss.ts';
import { statusCensus } from './diagnostics.ts';
import { megabytes, round } from './stats.ts';
import {
  type ApiChild,
  type BindServiceChild,
  bindServiceNodeOptionsInBench,
  bindServiceRuntime,
  type ChildCpu,
  mobile,
  postJson,
  startApiChild,
  startBenchStack,
  startBindServiceChild,
} from './support.ts';
import { sendAll } from './throughput.ts';

export interface ApiCostResult {
  messages: number;
  concurrency: number;
  acceptPerSec: number;
  cpuMsPerMessage: number;
  awsCallsPerMessage: CallsPerUnit;
  /** What the CPU figure covers. */
  includes: string;
}

export interface MemoryResult {
  /** Messages queued before the bind-service started (BENCH_BACKLOG, refused warm-up sends made up for). */
  backlog: number;
  window: number;
  accountRate: number;
  enqueueSeconds: number;
  /** Highest RSS sampled every 20 ms in the bind-service, and the kernel's high-water mark. */
  peakRssMb: number;
  maxRssMb: number;
  /** Where maxRssMb came from: VmHWM (the child's own) or ru_maxrss (no /proc; includes the parent's RSS on Linux). */
  maxRssSource: KernelPeakRss['source'];
  rssAfterDrainMb: number;
  /** RSS once bound, before the first message: the runtime, the code and the clients. */
  rssIdleAfterBindMb: number;
  /** How the child ran: the bundle under plain `node` (what ships) or the sources under tsx. */
  runtime: string;
  /** The child's NODE_OPTIONS: by default the task's (cdk/constructs/compute/node-heap.ts). */
  nodeOptions: string;
  /** The task's NODE_OPTIONS at its default size in this commit, which nodeOptions must equal for the target. */
  taskNodeOptions: string;
  /** process.memoryUsage() and V8's heap spaces at the sampled peak. */
  atPeak: MemoryBreakdown;
  /** false: the drain stalled (no message submitted or receipt answered OK for STALL_MS) and was cut off. */
  completed: boolean;
  submitted: number;
  /** Receipts the bind-service counted as applied. */
  receipts: number;
  /**
   * Receipts the simulator had answered OK, and how many it sent again after an error answer (the
   * bind-service's "come again" while its store lags) or none.
   */
  receiptsAcked: number;
  receiptRetries: number;
  /** What the bind-service made of every receipt delivery: applied, orphan (reconciled later), stale... */
  receiptOutcomes: Record<string, number>;
  /** The message records by status once the drain ended: the store's own word that nothing was lost. */
  recordsByStatus: Record<string, number>;
  /** Start -> every message submitted and every receipt answered OK (or the stall). */
  drainSeconds: number;
  submittedPerSec: number;
  bindServiceCpuMsPerMessage: number;
  bindServiceAwsCallsPerMessage: CallsPerUnit;
  bindServiceWarnings: Record<string, number>;
}

export const API_INCLUDES =
  "the API's process alone: Node's HTTP server, Hono, validation, the anti-loop guard, the SDK calls and the log line; not fauxqs, DynamoDB Local or the benchmark's HTTP client";

const WINDOW = 2000;
const ACCOUNT_RATE = 2000;
const API_WARMUP = 200;
const BATCH = 1000;
/** The child samples its RSS this often for the peak and its breakdown (off in the other parts). */
const RSS_SAMPLE_MS = 20;
const STALL_MS = 90_000;

export async function measureMemoryAndApi(
  backlog: number,
  apiMessages: number,
  concurrency: number,
): Promise<{ memory: MemoryResult; api: ApiCostResult }> {
  const { stack } = await startBenchStack(
    { [VAR.SMPP_THROUGHPUT]: String(ACCOUNT_RATE) },
    { receiptDelayMs: 50, record: false },
  );
  const simulator = stack.simulator;
  if (!simulator) throw new Error('the benchmark needs the embedded simulator');
  let apiChild: ApiChild | undefined;
  let child: BindServiceChild | undefined;
  try {
    // 1. The API, alone in its process: warm up, then the measured single sends.
    apiChild = await startApiChild(stack);
    const singles = Math.min(apiMessages, backlog - API_WARMUP);
    const warm = await sendAll(apiChild.url, API_WARMUP, concurrency, '5', [], true);
    const apiBefore = await apiChild.cpu();
    const started = performance.now();
    await sendAll(apiChild.url, singles, concurrency, '4', []);
    const apiSeconds = (performance.now() - started) / 1000;
    const apiAfter = await apiChild.cpu();
    const api: ApiCostResult = {
      messages: singles,
      concurrency,
      acceptPerSec: round(singles / apiSeconds, 0),
      cpuMsPerMessage: round((apiAfter.micros - apiBefore.micros) / 1000 / singles, 2),
      awsCallsPerMessage: callsPer(callsSince(apiAfter.aws, apiBefore.aws), singles),
      includes: API_INCLUDES,
    };

    // 2. The rest of the backlog in batches, with as many more as the cold store refused in the
    // warm-up: the bind-service finds `backlog` messages queued, whatever the warm-up met.
    const batched = backlog - warm.accepted - singles;
    for (let start = 0; start < batched; start += BATCH) {
      const to = Array.from({ length: Math.min(BATCH, batched - start) }, (_, i) => mobile('6', start + i));
      const answer = await postJson(`${apiChild.url}/v1/batches`, { to, text: 'Backlog' });
      if (answer.status !== 202) throw new Error(`batch answered ${answer.status}`);
    }
    const enqueueSeconds = (performance.now() - started) / 1000;
    await apiChild.stop();
    apiChild = undefined;

    // 3. The bind-service drains it with window 2000.
    const bindStarted = performance.now();
    child = await startBindServiceChild({
      ...stack.bindServiceEnv,
      [VAR.SMPP_WINDOW]: String(WINDOW),
      BENCH_RSS_SAMPLE_MS: String(RSS_SAMPLE_MS),
    });
    const first = await child.cpu();
    const { last, completed } = await waitForDrain(child, simulator, backlog);
    const drainSeconds = (performance.now() - bindStarted) / 1000;
    const { receiptsSent, receiptsAcked, receiptRetries } = simulator.stats;
    // The census scans the whole table: with the bind-service stopped first, and never fatal (a full
    // run's scan once outlasted DynamoDB Local's timeouts while the service still ran).
    await child.stop();
    child = undefined;
    const recordsByStatus = await statusCensus(
      stack.endpoints.dynamodb,
      stack.region,
      stack.tables.messages,
    ).catch((error: unknown) => {
      console.error(`(c) message records not counted: ${String(error)}`);
      return {};
    });
    if (!completed) {
      console.error(
        `(c) receipts: simulator sent ${receiptsSent} (${receiptRetries} retries), acked ${receiptsAcked}, undelivered ${simulator.undeliveredReceipts}; bind-service ${JSON.stringify(last.receiptOutcomes)}; records ${JSON.stringify(recordsByStatus)}`,
      );
    }
    const done = Math.max(1, last.submitted - first.submitted);
    const memory: MemoryResult = {
      backlog,
      window: WINDOW,
      accountRate: ACCOUNT_RATE,
      enqueueSeconds: round(enqueueSeconds),
      peakRssMb: megabytes(last.memory.peakRssBytes),
      maxRssMb: megabytes(last.memory.maxRssBytes),
      maxRssSource: last.memory.maxRssSource,
      rssAfterDrainMb: megabytes(last.memory.rssBytes),
      rssIdleAfterBindMb: megabytes(last.memory.boundRssBytes),
      runtime: bindServiceRuntime(),
      nodeOptions: bindServiceNodeOptionsInBench(),
      taskNodeOptions: bindServiceNodeOptions(SIZING_DEFAULTS.memoryLimitMiB),
      atPeak: last.memory.atPeak,
      completed,
      submitted: last.submitted,
      receipts: last.receipts,
      receiptsAcked,
      receiptRetries,
      receiptOutcomes: last.receiptOutcomes,
      recordsByStatus,
      drainSeconds: round(drainSeconds),
      submittedPerSec: round(last.submitted / drainSeconds, 0),
      bindServiceCpuMsPerMessage: round((last.micros - first.micros) / 1000 / done, 2),
      bindServiceAwsCallsPerMessage: callsPer(callsSince(last.aws, first.aws), done),
      bindServiceWarnings: last.warnings,
    };
    return { memory, api };
  } finally {
    await apiChild?.stop();
    await child?.stop();
    await stack.stop();
  }
}

/**
 * Polls until every message is submitted and the simulator has every receipt answered OK (a receipt
 * that came before its message's SMSC id was recorded counts as orphan, not applied, and is
 * reconciled later: the records' statuses say whether any was lost), or until nothing moved for
 * STALL_MS: peak RSS is still worth reporting then, with how far the drain got.
 */
async function waitForDrain(
  child: BindServiceChild,
  simulator: SmscSimulator,
  backlog: number,
): Promise<{ last: ChildCpu; completed: boolean }> {
  let last = await child.cpu();
  let progress = 0;
  let lastChange = Date.now();
  const acked = () => simulator.stats.receiptsAcked;
  while (last.submitted < backlog || acked() < backlog || simulator.undeliveredReceipts > 0) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      last = await child.cpu();
    } catch (error) {
      // The bind-service gave up (its storage too slow to hold the login lease): what it reached stands.
      console.error(`(c) bind-service gone: ${String(error)}`);
      return { last, completed: false };
    }
    const now = last.submitted + acked();
    if (now !== progress) {
      progress = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) {
      console.error(`(c) drain stalled: ${last.submitted} submitted, ${acked()} receipts answered OK`);
      return { last, completed: false };
    }
  }
  return { last, completed: true };
}
