// The body of /healthz, read from the parts the service composed: per account the login slots this
// task holds, their binds (with a TLS or login problem when a bind keeps failing), lane lag, the
// limiter's rate and the dispatch counters; at the top, the same figures over all accounts.
import type { SmppClient } from '#bind-service/smpp/index.ts';
import type { ConnectProblem, ConnectWatch } from '../dispatch/binds/connect-watch.ts';
import type { PipelineFigures } from '../dispatch/flow/stages.ts';
import type { DispatchStats } from '../dispatch/flow/stats.ts';
import type { Lanes } from '../dispatch/intake/lanes.ts';
import type { RateReading } from '../dispatch/ports.ts';
import type { AccountHealth, HealthReport } from './health.ts';

export type { AccountHealth } from './health.ts';

export interface HealthSources {
  /** The account's name (the `account` field of its messages). */
  name: string;
  /** The sessions of the slots held now. */
  clients: () => readonly SmppClient[];
  watchOf: (client: SmppClient) => ConnectWatch | undefined;
  /** Slots held by this task of the login's `binds`; standby: none assigned here. */
  slots: () => { held: number; binds: number; standby: boolean };
  /** Shown for a bind that was never bound. */
  firstHost: string;
  lanes: Pick<Lanes, 'lagMs'>;
  /** Where the messages held are; undefined while the account takes no messages (no slot held). */
  pipeline: () => PipelineFigures | undefined;
  rate: RateReading;
  stats: DispatchStats;
  /** Why a session whose login the SMSC refused is not bound. */
  refusedLogin?: (client: SmppClient) => ConnectProblem | undefined;
  /**
   * Why this task has not shown yet that it can reach the SMSC (reachability-probe.ts); undefined
   * once it has. A standby counts as healthy only then.
   */
  unreached?: () => string | undefined;
}

export function accountHealth(sources: HealthSources): () => AccountHealth {
  const { lanes, rate, stats } = sources;
  return () => {
    const clients = sources.clients();
    const { held, binds, standby } = sources.slots();
    const unreached = standby ? sources.unreached?.() : undefined;
    const status = accountStatus(clients, standby, unreached);
    const report = accountReport(sources, { held, binds, status, clients, lag: lanes.lagMs(), rate, stats });
    return status === 'unavailable' && unreached ? { ...report, problem: unreached } : report;
  };
}

/**
 * A standby is healthy only once this task has reached the SMSC: its 200 lets a deploy stop the
 * running task, which a revision that cannot reach the SMSC must not do (docs/deploy.md).
 */
function accountStatus(
  clients: readonly SmppClient[],
  standby: boolean,
  unreached: string | undefined,
): AccountHealth['status'] {
  if (clients.some((client) => client.isBound)) return 'ok';
  if (standby) return unreached === undefined ? 'standby' : 'unavailable';
  const refused = clients.length > 0 && clients.every((client) => client.state === 'refused');
  return refused ? 'refused' : 'unavailable';
}

function accountReport(
  sources: HealthSources,
  figures: {
    held: number;
    binds: number;
    status: AccountHealth['status'];
    clients: readonly SmppClient[];
    lag: AccountHealth['lag'];
    rate: HealthSources['rate'];
    stats: DispatchStats;
  },
): AccountHealth {
  const { clients, rate, stats } = figures;
  const pipeline = sources.pipeline();
  return {
    name: sources.name,
    status: figures.status,
    slots: { held: figures.held, binds: figures.binds },
    binds: clients.map((client) => {
      const problem = sources.refusedLogin?.(client) ?? sources.watchOf(client)?.problem;
      return {
        host: client.boundTo?.host ?? sources.firstHost,
        state: client.reportedState,
        inFlight: client.inFlight,
        ...(problem ? { problem } : {}),
      };
    }),
    lag: figures.lag,
    // No slot held, no sending here: the limiter keeps its last share for when a slot comes back.
    rate: figures.held === 0 ? 0 : Math.round(rate.currentRate * 100) / 100,
    ...(pipeline ? { pipeline } : {}),
    throttled: stats.throttled,
    submitted: stats.submitted,
    submitAnswers: stats.submitAnswers,
    unknown: stats.unknown,
    failed: stats.failed,
    rejected: stats.rejected,
  };
}

/** ok if any account works; unavailable if any is down for another reason than a refused login. */
function overallStatus(reports: readonly AccountHealth[]): HealthReport['status'] {
  if (reports.some((report) => report.status === 'ok')) return 'ok';
  if (reports.every((report) => report.status === 'standby')) return 'standby';
  if (reports.some((report) => report.status === 'unavailable')) return 'unavailable';
  return 'refused';
}

/**
 * All accounts in one report: `ok` while any bind of any account is up (the task is doing work; an
 * account that is down says so in its own entry and in its binds), `standby` while other tasks hold
 * every slot of every login and this task has reached each login's SMSC (healthy: it takes slots
 * over when one stops), `refused` while its sessions wait on refused logins (200: a replacement
 * would retry the refused password), lag the oldest per lane, slots, rate and counters summed.
 */
export function serviceHealth(accounts: readonly (() => AccountHealth)[]): () => HealthReport {
  return () => {
    const reports = accounts.map((read) => read());
    const sum = (pick: (report: AccountHealth) => number) =>
      reports.reduce((total, report) => total + pick(report), 0);
    const several = reports.length > 1;
    return {
      status: overallStatus(reports),
      slots: {
        held: sum((report) => report.slots.held),
        binds: sum((report) => report.slots.binds),
      },
      binds: reports.flatMap((report) =>
        several ? report.binds.map((bind) => ({ account: report.name, ...bind })) : report.binds,
      ),
      lag: {
        urgent: Math.max(0, ...reports.map((report) => report.lag.urgent)),
        bulk: Math.max(0, ...reports.map((report) => report.lag.bulk)),
      },
      rate: Math.round(sum((report) => report.rate) * 100) / 100,
      ...pipelinesOf(reports),
      throttled: sum((report) => report.throttled),
      submitted: sum((report) => report.submitted),
      submitAnswers: sum((report) => report.submitAnswers),
      unknown: sum((report) => report.unknown),
      failed: sum((report) => report.failed),
      rejected: sum((report) => report.rejected),
      accounts: reports,
    };
  };
}

/** The accounts' pipelines added up; none when no account takes messages. */
function pipelinesOf(reports: readonly AccountHealth[]): { pipeline?: PipelineFigures } {
  const pipelines = reports.flatMap((report) => (report.pipeline ? [report.pipeline] : []));
  if (pipelines.length === 0) return {};
  const total = (key: keyof PipelineFigures) => pipelines.reduce((sum, each) => sum + each[key], 0);
  return {
    pipeline: {
      claiming: total('claiming'),
      awaitingToken: total('awaitingToken'),
      recording: total('recording'),
      claimAheadLimit: total('claimAheadLimit'),
    },
  };
}
