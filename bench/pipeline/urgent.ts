// Part (b) of the pipeline benchmark: the urgent lane under a mass mailing. BULK bulk messages are
// queued through POST /v1/batches first (so the API's writes do not compete with the drain), then
// the bind-service starts and drains them at the account rate (100 msg/s, simulator and bind-service
// alike) while an urgent message is POSTed every BENCH_URGENT_EVERY_MS (default 100 ms, on a fixed
// beat: a slow 202 does not delay the next) until the
// bulk is nearly drained: about 1,500 samples over the default 20,000, enough for a p99 (the urgent
// lane takes its tokens from the same account rate, so bulk alone drains at ~90/s meanwhile). For
// each urgent message: the time from its 202 to its SUBMIT_SM reaching the simulator. Also: the
// SUBMIT_SM rate over the steady part of the drain, the simulator's throttling answers and the
// bind-service's own CPU per message.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type CallsPerUnit, callsPer, callsSince } from '#core/aws/call-counter.ts';
import { VAR } from '#core/config/variables.ts';
import type { ReceivedSubmit } from '#local/smsc-simulator/index.ts';
import { probeStorage, type UrgentBreakdown, urgentBreakdown } from './diagnostics.ts';
import { type LatencySummary, latencySummary } from './stats.ts';
import {
  type BindServiceChild,
  mobile,
  percentile,
  postJson,
  round,
  startBenchStack,
  startBindServiceChild,
  waitWithProgress,
} from './support.ts';

export interface UrgentResult {
  bulkMessages: number;
  accountRate: number;
  urgentMessages: number;
  urgentAcceptToSubmitMs: LatencySummary;
  urgentBreakdownMs: UrgentBreakdown;
  /** Every SUBMIT_SM (bulk and urgent) per second between 10% and 90% of the drain. */
  submitRatePerSec: number;
  /** Bulk SUBMIT_SM alone over the same window: the account rate less what urgent took. */
  bulkRatePerSec: number;
  /** One conditional-free UpdateItem every 100 ms on DynamoDB Local during the drain: the store's own latency. */
  storageWriteMs: { p50: number; p99: number; max: number };
  /** Event-loop stalls during the drain: the stack process (API, fauxqs, simulator, poller) and the bind-service. */
  eventLoopDelayMs: { stack: { p99: number; max: number }; bindService: { p99: number; max: number } };
  throttled: number;
  bindServiceCpuMsPerMessage: number;
  /** The bind-service's AWS calls over the drain, per SUBMIT_SM (urgent and bulk). */
  bindServiceAwsCallsPerMessage: CallsPerUnit;
  /** The bind-service's warning/error lines by message (storage timeouts show an overloaded DynamoDB Local). */
  bindServiceWarnings: Record<string, number>;
  drainSeconds: number;
  /** From the drain's start: no urgent message, no rate counted. */
  warmupSeconds: number;
  enqueueSeconds: number;
}

const BATCH = 1000;
const URGENT_EVERY_MS = Number(process.env.BENCH_URGENT_EVERY_MS ?? 100);

export async function measureUrgentLane(bulkMessages: number, warmupMs: number): Promise<UrgentResult> {
  const accountRate = 100;
  const { stack } = await startBenchStack(
    { [VAR.SMPP_THROUGHPUT]: String(accountRate) },
    { receiptDelayMs: 200, record: false },
  );
  const simulator = stack.simulator;
  if (!simulator) throw new Error('the benchmark needs the embedded simulator');
  let child: BindServiceChild | undefined;
  try {
    // 1. Queue the mass mailing.
    const enqueueStarted = performance.now();
    for (let start = 0; start < bulkMessages; start += BATCH) {
      const to = Array.from({ length: Math.min(BATCH, bulkMessages - start) }, (_, i) =>
        mobile('1', start + i),
      );
      const answer = await postJson(`${stack.apiUrl}/v1/batches`, { to, text: 'Mass mailing' });
      if (answer.status !== 202) throw new Error(`batch answered ${answer.status}`);
    }
    const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;

    // 2. Watch SUBMIT_SMs: bulk ones counted with their time, urgent ones matched by destination.
    const bulkTimes: number[] = [];
    const allTimes: number[] = [];
    const urgentSubmitAt = new Map<string, number>();
    const urgentSubmitWall = new Map<string, number>();
    simulator.on('submit', (submit: ReceivedSubmit) => {
      const at = performance.now();
      allTimes.push(at);
      if (submit.destination.startsWith('79992')) {
        urgentSubmitAt.set(submit.destination, at);
        urgentSubmitWall.set(submit.destination, Date.now());
      } else bulkTimes.push(at);
    });

    // 3. Drain, with an urgent message every URGENT_EVERY_MS until the bulk is nearly gone.
    child = await startBindServiceChild(stack.bindServiceEnv);
    const stackLoop = monitorEventLoopDelay({ resolution: 10 });
    stackLoop.enable();
    const probe = probeStorage(stack.endpoints.dynamodb, stack.region, stack.tables.messages);
    const drainStarted = performance.now();
    const cpuBefore = await child.cpu();
    const urgentAcceptedAt = new Map<string, number>();
    const urgentIds = new Map<string, { id: string; acceptedWall: number }>();
    let urgentSent = 0;
    const urgentLoop = (async () => {
      // The drain's first seconds warm DynamoDB Local's JVM up (stalls of up to ~1 s): not measured.
      await new Promise((resolve) => setTimeout(resolve, warmupMs));
      // On a fixed beat, not one after another: a slow 202 must not thin out the samples.
      const posts: Promise<void>[] = [];
      while (bulkTimes.length < bulkMessages * 0.95) {
        const to = mobile('2', urgentSent++);
        const text = `Urgent ${urgentSent}`;
        posts.push(
          postJson(`${stack.apiUrl}/v1/messages`, { to, text }).then((answer) => {
            if (answer.status !== 202) throw new Error(`urgent POST answered ${answer.status}`);
            urgentAcceptedAt.set(to.slice(1), performance.now());
            urgentIds.set(to.slice(1), { id: (answer.json as { id: string }).id, acceptedWall: Date.now() });
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, URGENT_EVERY_MS));
      }
      await Promise.all(posts);
    })();
    await waitWithProgress(
      () => bulkTimes.length >= bulkMessages,
      () => bulkTimes.length,
      60_000,
      'bulk drain',
    );
    await urgentLoop;
    await waitWithProgress(
      () => urgentSubmitAt.size >= urgentAcceptedAt.size,
      () => urgentSubmitAt.size,
      30_000,
      'urgent submits',
    );
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const cpuAfter = await child.cpu();
    stackLoop.disable();
    const storageLatencies = await probe.stop();

    // A submit can beat the parsing of its own 202 by a fraction of a millisecond: counted as 0.
    const latencies = [...urgentAcceptedAt].map(([to, accepted]) =>
      Math.max(0, (urgentSubmitAt.get(to) ?? accepted) - accepted),
    );
    const breakdown = await urgentBreakdown(stack.apiUrl, urgentIds, urgentSubmitWall);
    const window = steadyWindow(bulkTimes, drainStarted + warmupMs);
    const inWindow = (times: number[]) => times.filter((t) => t >= window.from && t <= window.to).length;
    const windowSeconds = (window.to - window.from) / 1000;
    const submitted = cpuAfter.submitted - cpuBefore.submitted;
    return {
      bulkMessages,
      accountRate,
      urgentMessages: urgentAcceptedAt.size,
      urgentAcceptToSubmitMs: latencySummary(latencies),
      submitRatePerSec: round(inWindow(allTimes) / windowSeconds, 2),
      bulkRatePerSec: round(inWindow(bulkTimes) / windowSeconds, 2),
      bindServiceWarnings: cpuAfter.warnings,
      urgentBreakdownMs: breakdown,
      storageWriteMs: {
        p50: round(percentile(storageLatencies, 50)),
        p99: round(percentile(storageLatencies, 99)),
        max: round(percentile(storageLatencies, 100)),
      },
      eventLoopDelayMs: {
        stack: { p99: round(stackLoop.percentile(99) / 1e6), max: round(stackLoop.max / 1e6) },
        bindService: { p99: round(cpuAfter.loopDelayMs.p99), max: round(cpuAfter.loopDelayMs.max) },
      },
      throttled: simulator.stats.throttled,
      bindServiceCpuMsPerMessage: round((cpuAfter.micros - cpuBefore.micros) / 1000 / submitted, 2),
      bindServiceAwsCallsPerMessage: callsPer(callsSince(cpuAfter.aws, cpuBefore.aws), submitted),
      drainSeconds: round(drainSeconds),
      warmupSeconds: warmupMs / 1000,
      enqueueSeconds: round(enqueueSeconds),
    };
  } finally {
    await child?.stop();
    await stack.stop();
  }
}

/** From the 10th (or the end of the warm-up) to the 90th percentile of the bulk submits. */
function steadyWindow(times: readonly number[], warmedUpAt: number): { from: number; to: number } {
  const at = (fraction: number) =>
    times[Math.min(times.length - 1, Math.floor(times.length * fraction))] ?? 0;
  return { from: Math.max(at(0.1), warmedUpAt), to: at(0.9) };
}
