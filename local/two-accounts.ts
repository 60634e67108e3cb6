import { performance } from 'node:perf_hooks';
import type { AccountEntryInput } from '#core/domain/accounts/account-schema.ts';
import type { ReceivedSubmit, SmscSimulator } from '#local/smsc-simulator/index.ts';

// Two provider logins of different rates on the local stack, as the account isolation test
// (test/integration/local/stack/account-isolation.test.ts) and part (d) of the pipeline benchmark
// run them: the SMPP_ACCOUNTS entries, a backlog queued to one account through the API, and every
// login's accepted SUBMIT_SMs timed where they arrive, at the simulator.

export interface LoginPlan {
  /** The account's name (what a message names in `account`). */
  name: string;
  systemId: string;
  /** msg/s: the bind-service's cap and the simulator's rate for this login. */
  throughput: number;
  window?: number;
}

/**
 * SMPP_ACCOUNTS entries for the plans, the first the default. Host and port are placeholders: the
 * local stack points every login at its simulator. Passwords are fake.
 */
export function accountEntries(plans: readonly LoginPlan[]): AccountEntryInput[] {
  return plans.map(({ name, systemId, throughput, window }) => ({
    name,
    systemId,
    password: `fake-${name}`,
    host: '127.0.0.1',
    port: 2775,
    throughput,
    ...(window === undefined ? {} : { window }),
  }));
}

/** `+7999`, a one-digit series and a 6-digit index: distinct valid Russian mobile numbers. */
export function seriesNumber(series: number, index: number): string {
  return `+7999${series}${String(index).padStart(6, '0')}`;
}

const BATCH_SIZE = 1000;

/**
 * Queues `count` bulk messages for `account` through POST /v1/batches, one recipient each (series
 * `series`, from `firstIndex` on: the simulator's duplicate and flood rules never fire).
 */
export async function queueBacklog(
  apiUrl: string,
  backlog: { account: string; count: number; series: number; firstIndex?: number; text?: string },
): Promise<void> {
  const first = backlog.firstIndex ?? 0;
  for (let start = 0; start < backlog.count; start += BATCH_SIZE) {
    const size = Math.min(BATCH_SIZE, backlog.count - start);
    const to = Array.from({ length: size }, (_, i) => seriesNumber(backlog.series, first + start + i));
    const response = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to, text: backlog.text ?? 'Backlog', account: backlog.account }),
    });
    const body = await response.text();
    if (response.status !== 202)
      throw new Error(
        `queueing ${backlog.account}'s backlog: the batch answered ${response.status}: ${body}`,
      );
  }
}

/** One accepted SUBMIT_SM as the clock saw it arrive. */
export interface TimedSubmit {
  systemId: string;
  destination: string;
  /** performance.now() when the simulator accepted it. */
  at: number;
}

/** Every accepted SUBMIT_SM of every login, timed on arrival, until stop(). */
export class LoginSubmitClock {
  readonly submits: TimedSubmit[] = [];
  private readonly listener = (submit: ReceivedSubmit) => {
    this.submits.push({ systemId: submit.systemId, destination: submit.destination, at: performance.now() });
  };

  constructor(private readonly simulator: SmscSimulator) {
    simulator.on('submit', this.listener);
  }

  /** The login's accepted SUBMIT_SMs, in arrival order. */
  of(systemId: string): TimedSubmit[] {
    return this.submits.filter((submit) => submit.systemId === systemId);
  }

  /** The login's accepted SUBMIT_SMs per second over [from, to] (performance.now() times). */
  rate(systemId: string, from: number, to: number): number {
    const count = this.submits.filter(
      (submit) => submit.systemId === systemId && submit.at >= from && submit.at <= to,
    ).length;
    return count / ((to - from) / 1000);
  }

  stop(): void {
    this.simulator.off('submit', this.listener);
  }
}
