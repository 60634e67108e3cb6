// The composition root: config → AWS clients and repositories → one runtime per provider login
// (account/account-runtime.ts: the slots' sessions, rate limiter, lanes, pipeline, delivery handler)
// → the task roster and slot coordinator (which login slots this task binds) → health server and
// metrics. `startBindService` is what main.ts, the local stack (`npm start`) and the tests run; it
// returns at once and binds in the background (after taking each slot's lease), so /healthz answers
// 503 until a bind is up, or 200 `standby` once other tasks hold every slot.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LeaseRepository } from '#core/aws/lease.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { SecretReader } from '#core/aws/secrets.ts';
import type { Logger } from '#core/observability/logger.ts';
import { type AccountRuntime, prepareAccount } from './account/account-runtime.ts';
import { SlotCoordinator } from './account/slot-coordinator.ts';
import { createBindServiceClients } from './aws-clients.ts';
import { type BindServiceConfig, describeConfig } from './config.ts';
import { configWarnings } from './config-warnings.ts';
import { TaskRoster } from './dispatch/binds/task-roster.ts';
import type { RateLimiterOptions } from './dispatch/flow/rate-limiter.ts';
import { type DispatchStats, emptyStats } from './dispatch/flow/stats.ts';
import type { GiveBackBackoff } from './dispatch/intake/give-back.ts';
import type { RetryPolicy } from './dispatch/submit/part-action.ts';
import { type HealthReport, startHealthServer } from './health/health.ts';
import { serviceHealth } from './health/health-report.ts';
import { bindServiceLogger } from './logger.ts';
import type { SessionOverrides } from './login/session-setup.ts';
import { type LoginReading, startMetricsReporter } from './metrics.ts';

export interface BindServiceDeps {
  log?: Logger;
  /** Reads the SMPP login secret; default Secrets Manager. */
  readSecret?: SecretReader;
  /** This task's name in the slot and roster leases; default host:pid:random. */
  owner?: string;
  clock?: () => Date;
  /** Engine settings tests shorten (reconnect back-off, bind and unbind timeouts). */
  session?: SessionOverrides;
  retryPolicy?: RetryPolicy;
  rateLimiter?: Omit<RateLimiterOptions, 'ratePerSecond'>;
  /** Visibility back-off of valid messages given back unsent; tests shorten it. */
  requeueBackoff?: GiveBackBackoff;
}

export interface BindService {
  /** Health server base URL; the check is `${url}/healthz`. */
  readonly url: string;
  health(): HealthReport;
  /** Resolves once some bind is up (for tests and the local stack). */
  whenBound(): Promise<void>;
  /**
   * Resolves with the reason the service cannot go on (an unexpected failure; a lost slot lease only
   * stops that slot's session); it has begun stopping by then. main.ts exits non-zero on it.
   */
  readonly fatal: Promise<Error>;
  /** Counters over all accounts (each account's are in health().accounts). */
  readonly stats: DispatchStats;
  /** Stop taking work, drain the window, mark what stays unanswered unknown, unbind, release. */
  stop(): Promise<void>;
}

export async function startBindService(
  config: BindServiceConfig,
  deps: BindServiceDeps = {},
): Promise<BindService> {
  const log = deps.log ?? bindServiceLogger(config.logLevel);
  const clock = deps.clock ?? (() => new Date());
  const aws = createBindServiceClients(config.aws);
  const { dynamo, sqs } = aws;
  const closeAws = () => aws.destroy();
  const messages = new MessageRepository(dynamo.document, config.tables.messages, {
    clock,
    smscIdBase: config.accounts[0].smpp.messageIdBase,
  });

  let reportFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  const fail = (error: Error, options: { unbindFirst?: boolean } = {}) => {
    log.error('bind-service cannot go on; stopping', { error });
    reportFatal(error);
    void stop(options);
  };
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const roster = new TaskRoster({
    // Renewed like the login slots: on the lease client, never queued behind message writes.
    leases: new LeaseRepository(aws.leaseDocument, config.tables.messages, { clock }),
    owner,
    ttlMs: config.lease.ttlMs,
    log: log.child({ component: 'roster' }),
  });
  const shared = {
    config,
    deps,
    owner,
    claimTasks: { self: owner, isLive: (task: string) => roster.isLive(task) },
    log,
    clock,
    messages,
    document: dynamo.document,
    // The leases' own client (aws-clients.ts): the account runtime's LeaseRepository (its slot
    // leases) takes it, so a renewal never queues behind the message writes.
    leaseDocument: aws.leaseDocument,
    sqs,
    fail,
  };
  let accounts: AccountRuntime[];
  try {
    accounts = [];
    for (const account of config.accounts) accounts.push(await prepareAccount(account, shared));
  } catch (error) {
    // Fail at boot, naming the login or queue at fault, without leaving sockets open behind.
    closeAws();
    throw error;
  }

  const coordinator = new SlotCoordinator({
    roster,
    accounts,
    ttlMs: config.lease.ttlMs,
    log: log.child({ component: 'roster' }),
  });
  const health = serviceHealth(accounts.map((account) => account.health));
  const healthServer = await startHealthServer({ ...config.health, report: health }).catch(
    (error: unknown) => {
      closeAws();
      throw error;
    },
  );
  // One account's counters are the task's; several are added up whenever they are read.
  const currentStats = () =>
    accounts.length === 1 && accounts[0] ? accounts[0].stats : summedStats(accounts);
  const metrics = config.metrics
    ? startMetricsReporter({
        ...config.metrics,
        read: () => {
          const stats = currentStats();
          return {
            bindsUp: accounts.reduce((up, account) => up + bindsUpOf(account), 0),
            submitted: stats.submitAnswers,
            throttled: stats.throttled,
            unknownOutcomes: stats.unknown,
            // Each account's own figures too (an `Account` dimension) when there are several.
            ...(accounts.length > 1
              ? {
                  accounts: Object.fromEntries(
                    accounts.map((account) => [account.name, loginReadingOf(account)]),
                  ),
                }
              : {}),
          };
        },
        write: (line) => process.stdout.write(`${line}\n`),
        log: log.child({ component: 'metrics' }),
      })
    : undefined;

  let stopping: Promise<void> | undefined;
  /** `unbindFirst`: the login may be someone else's: unbind at once, drain (record) afterwards. */
  const stop = ({ unbindFirst = false } = {}): Promise<void> => {
    stopping ??= (async () => {
      log.info('stopping: no new work', { drainMs: config.drainMs, unbindFirst });
      coordinator.stop();
      const outcomes = await Promise.all(accounts.map((account) => account.stop({ unbindFirst })));
      // Every slot given up: the other tasks see this one gone at their next roster read.
      await coordinator.releaseRoster();
      await healthServer.close();
      metrics?.stop();
      closeAws();
      const drained = outcomes.every((outcome) => outcome.drained);
      const settled = outcomes.every((outcome) => outcome.settled);
      const stats = currentStats();
      log.info('stopped', { drained, settled, ...stats, receipts: stats.receipts, incoming: stats.incoming });
    })();
    return stopping;
  };

  for (const account of accounts) account.start();
  coordinator.start();
  log.info('bind-service started', { health: `${healthServer.url}/healthz`, config: describeConfig(config) });
  for (const warning of configWarnings(config)) log.warn(warning);
  return {
    url: healthServer.url,
    health,
    whenBound: () => Promise.any(accounts.map((account) => account.whenBound())),
    fatal,
    get stats() {
      return currentStats();
    },
    stop: () => stop(),
  };
}

function bindsUpOf(account: AccountRuntime): number {
  return account.clients.filter((client) => client.isBound).length;
}

function loginReadingOf(account: AccountRuntime): LoginReading {
  const { stats } = account;
  return {
    bindsUp: bindsUpOf(account),
    submitted: stats.submitAnswers,
    throttled: stats.throttled,
    unknownOutcomes: stats.unknown,
  };
}

/** The accounts' counters added up (read when asked: each account keeps counting its own). */
function summedStats(accounts: readonly AccountRuntime[]): DispatchStats {
  const total = emptyStats();
  for (const { stats } of accounts) {
    for (const key of Object.keys(total) as (keyof DispatchStats)[]) {
      const value = stats[key];
      if (typeof value === 'number') (total[key] as number) += value;
      else Object.assign(total[key], sumRecords(total[key] as Record<string, number>, value));
    }
  }
  return total;
}

function sumRecords(into: Record<string, number>, add: Record<string, number>): Record<string, number> {
  const sum = { ...into };
  for (const [key, value] of Object.entries(add)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
