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
  startBenchStack,
  startBindServiceChild,
  waitWithProgress,
} from './support.ts';

export interface AccountRateFigures {
  name: string;
  systemId: string;
  /** The account's configured rate (msg/s). */
  rate: number;
  backlog: number;
  /** Accepted SUBMIT_SM per second at the simulator over the steady window. */
  submitRatePerSec: number;
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
  bindServiceWarnings: Record<string, number>;
}

export const TWO_ACCOUNT_PLANS: readonly LoginPlan[] = [
  { name: 'first', systemId: 'bench-first', throughput: 60 },
  { name: 'second', systemId: 'bench-second', throughput: 30 },
];

export async function measureTwoAccounts(
  seconds: number,
  plans: readonly LoginPlan[] = TWO_ACCOUNT_PLANS,
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
    child = await startBindServiceChild(stack.bindServiceEnv);
    const drainStarted = performance.now();
    await waitWithProgress(
      () => watch.submits.length >= total,
      () => watch.submits.length,
      60_000,
      'two-account drain',
    );
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const { warnings } = await child.cpu();

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
      })),
      targetRatePerSec: target,
      aggregateRatePerSec: round(aggregate, 2),
      deviationPercent: round((aggregate / target - 1) * 100, 2),
      windowSeconds: round(windowSeconds),
      throttled: simulator.stats.throttled,
      drainSeconds: round(drainSeconds),
      enqueueSeconds: round(enqueueSeconds),
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
