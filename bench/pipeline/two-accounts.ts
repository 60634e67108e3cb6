// Part (d) of the pipeline benchmark: two provider logins in one bind-service (issue 12). Each
// account gets a backlog of its rate x BENCH_TWO_ACCOUNT_SECONDS messages, queued on its own queue
// pair through POST /v1/batches before the bind-service starts; both then drain side by side, each
// at its own rate (simulator and bind-service alike). Measured at the simulator, per login: accepted
// SUBMIT_SM per second over the steady window (from the later of the two logins' 10th percentile
// submit to the earlier of their 90th), and the two added up against the sum of the rates.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VAR } from '#core/config/variables.ts';
import { accountEntries, type LoginPlan, LoginSubmitClock, queueBacklog } from '#local/two-accounts.ts';
import { round } from './stats.ts';
import {
  type BindServiceChild,
  type PipelinePacing,
  startBenchStack,
  startBindServiceChild,
  waitWithProgress,
} from './support.ts';

/** How often the bind-service child samples what held each pipeline (its health report). */
const PACING_SAMPLE_MS = 250;

export interface AccountRateFigures {
  name: string;
  systemId: string;
  /** The account's configured rate (msg/s). */
  rate: number;
  backlog: number;
  /** Accepted SUBMIT_SM per second at the simulator over the steady window. */
  submitRatePerSec: number;
  /**
   * Share of the drain (sampled every 250 ms) in which the message table held this account back
   * (claims at the claim-ahead limit, none awaiting a token) and in which its rate did, in percent.
   */
  storeBoundPercent: number;
  rateBoundPercent: number;
}

export interface TwoAccountsResult {
  accounts: AccountRateFigures[];
  /** Sum of the configured rates. */
  targetRatePerSec: number;
  /** Both logins' accepted SUBMIT_SM per second over the same window. */
  aggregateRatePerSec: number;
  /** aggregate / target - 1, in percent. */
  deviationPercent: number;
  windowSeconds: number;
  /** ESME_RTHROTTLED answers of the simulator, both logins. */
  throttled: number;
  drainSeconds: number;
  enqueueSeconds: number;
  /** The bind-service's event-loop delay over the drain (a busy machine runs its timers late). */
  loopDelayMs: { p99: number; max: number };
  bindServiceWarnings: Record<string, number>;
}

/** The two logins; BENCH_TWO_ACCOUNT_RATES (default "20,10") sets their rates for a run. */
export function twoAccountPlans(rates = process.env.BENCH_TWO_ACCOUNT_RATES ?? '20,10'): LoginPlan[] {
  const [first, second] = rates.split(',').map(Number);
  if (!(first && first > 0 && second && second > 0)) {
    throw new RangeError(`BENCH_TWO_ACCOUNT_RATES must be two rates in msg/s, e.g. "60,30"; got "${rates}"`);
  }
  return [
    { name: 'first', systemId: 'bench-first', throughput: first },
    { name: 'second', systemId: 'bench-second', throughput: second },
  ];
}

export async function measureTwoAccounts(
  seconds: number,
  plans: readonly LoginPlan[] = twoAccountPlans(),
): Promise<TwoAccountsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-accounts-'));
  const file = join(dir, 'accounts.json');
  writeFileSync(file, JSON.stringify(accountEntries(plans)));
  const { stack } = await startBenchStack(
    { [VAR.SMPP_ACCOUNTS]: file },
    { receiptDelayMs: 200, record: false },
  );
  const simulator = stack.simulator;
  let child: BindServiceChild | undefined;
  let clock: LoginSubmitClock | undefined;
  try {
    if (!simulator) throw new Error('the benchmark needs the embedded simulator');
    // 1. Each account's backlog on its own queues, before anything drains.
    const backlogs = plans.map((plan) => Math.round(plan.throughput * seconds));
    const enqueueStarted = performance.now();
    await Promise.all(
      plans.map((plan, index) =>
        queueBacklog(stack.apiUrl, { account: plan.name, count: backlogs[index] ?? 0, series: index + 1 }),
      ),
    );
    const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;

    // 2. Drain both, timing every accepted SUBMIT_SM per login.
    const watch = new LoginSubmitClock(simulator);
    clock = watch;
    const total = backlogs.reduce((sum, count) => sum + count, 0);
    child = await startBindServiceChild({
      ...stack.bindServiceEnv,
      BENCH_PACING_SAMPLE_MS: String(PACING_SAMPLE_MS),
    });
    const drainStarted = performance.now();
    await waitWithProgress(
      () => watch.submits.length >= total,
      () => watch.submits.length,
      60_000,
      'two-account drain',
    );
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const { warnings, pacing, loopDelayMs } = await child.cpu();

    // 3. The steady window both logins were draining in.
    const times = plans.map((plan) => watch.of(plan.systemId).map((submit) => submit.at));
    const from = Math.max(...times.map((list) => at(list, 0.1)));
    const to = Math.min(...times.map((list) => at(list, 0.9)));
    const windowSeconds = (to - from) / 1000;
    const rates = plans.map((plan) => watch.rate(plan.systemId, from, to));
    const aggregate = rates.reduce((sum, rate) => sum + rate, 0);
    const target = plans.reduce((sum, plan) => sum + plan.throughput, 0);
    return {
      accounts: plans.map((plan, index) => ({
        name: plan.name,
        systemId: plan.systemId,
        rate: plan.throughput,
        backlog: backlogs[index] ?? 0,
        submitRatePerSec: round(rates[index] ?? 0, 2),
        ...pacingPercent(pacing[plan.name]),
      })),
      targetRatePerSec: target,
      aggregateRatePerSec: round(aggregate, 2),
      deviationPercent: round((aggregate / target - 1) * 100, 2),
      windowSeconds: round(windowSeconds),
      throttled: simulator.stats.throttled,
      drainSeconds: round(drainSeconds),
      enqueueSeconds: round(enqueueSeconds),
      loopDelayMs: { p99: round(loopDelayMs.p99), max: round(loopDelayMs.max) },
      bindServiceWarnings: warnings,
    };
  } finally {
    clock?.stop();
    await child?.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The time `fraction` of the way through a login's submits (sorted, as they arrived). */
function at(times: readonly number[], fraction: number): number {
  return times[Math.min(times.length - 1, Math.floor(times.length * fraction))] ?? 0;
}

function pacingPercent(seen: PipelinePacing | undefined) {
  const share = (count: number) =>
    seen && seen.busySamples > 0 ? round((100 * count) / seen.busySamples) : 0;
  return { storeBoundPercent: share(seen?.storeBound ?? 0), rateBoundPercent: share(seen?.rateBound ?? 0) };
}
