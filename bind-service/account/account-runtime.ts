// One provider login at work: its sessions, rate limiter, queue lanes, submit pipeline, delivery
// handler, reconciler and login lease. The service (service.ts) runs one per account side by side,
// sharing only the AWS clients and repositories, so one login's throttling, refused password, lost
// bind or full window never holds another's messages.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BindCredentialsError, SmppClient } from '#bind-service/smpp/index.ts';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { InboundDeliveryStore } from '#core/aws/inbound/inbound-delivery-store.ts';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { LeaseRepository } from '#core/aws/lease.ts';
import type { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { LANES, type Lane } from '#core/aws/resources/resource-definitions.ts';
import type { SecretReader } from '#core/aws/secrets.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { BindServiceConfig } from '../config.ts';
import { BindPool } from '../dispatch/binds/bind-pool.ts';
import { ConnectWatch } from '../dispatch/binds/connect-watch.ts';
import { LoginLease } from '../dispatch/binds/login-lease.ts';
import { logSessionEvents } from '../dispatch/binds/session-log.ts';
import { deliveryHandler } from '../dispatch/deliveries/delivery-handler.ts';
import { RateLimiter, type RateLimiterOptions } from '../dispatch/flow/rate-limiter.ts';
import { type DispatchStats, emptyStats } from '../dispatch/flow/stats.ts';
import type { GiveBackBackoff } from '../dispatch/intake/give-back.ts';
import { Lanes } from '../dispatch/intake/lanes.ts';
import { SqsLane } from '../dispatch/intake/sqs-lane.ts';
import { resolveUnknowns } from '../dispatch/resolve/unknowns.ts';
import type { RetryPolicy } from '../dispatch/submit/part-outcome.ts';
import { SubmitPipeline } from '../dispatch/submit/submit-pipeline.ts';
import { type AccountHealth, accountHealth } from '../health/health-report.ts';
import { RefusedLogins } from '../login/refused-login.ts';
import { type SessionOverrides, sessionSetup } from '../login/session-setup.ts';
import type { AccountConfig } from './account-config.ts';

/** Messages held per lane beyond the binds' total window (DESIGN: bound what sits in memory). */
const HOLD_MARGIN = 10;
/** After the drain, how long pipelines get to write the outcome of what the engine gave up on. */
const SETTLE_MS = 10_000;

export interface AccountDeps {
  readSecret?: SecretReader;
  session?: Partial<SessionOverrides>;
  retryPolicy?: RetryPolicy;
  rateLimiter?: Omit<RateLimiterOptions, 'ratePerSecond'>;
  requeueBackoff?: GiveBackBackoff;
}

export interface AccountShared {
  config: BindServiceConfig;
  deps: AccountDeps;
  /** This task's name in the login leases. */
  owner: string;
  log: Logger;
  clock: () => Date;
  messages: MessageRepository;
  document: DynamoDBDocumentClient;
  sqs: SQSClient;
  /** The task cannot go on (a lease lost): the service stops every account. */
  fail: (error: Error, options?: { unbindFirst?: boolean }) => void;
}

export interface AccountRuntime {
  readonly name: string;
  readonly clients: readonly SmppClient[];
  readonly stats: DispatchStats;
  health(): AccountHealth;
  /** Takes the login's lease, then binds and starts taking work (in the background). */
  start(): void;
  /** Stop taking work, drain the window, mark what stays unanswered unknown, unbind, release. */
  stop(options: { unbindFirst?: boolean }): Promise<{ drained: boolean; settled: boolean }>;
}

/** Reads the login (and TLS material) and the queues' visibility; binds nothing until start(). */
export async function prepareAccount(account: AccountConfig, shared: AccountShared): Promise<AccountRuntime> {
  const { config, deps, clock, messages, document, sqs } = shared;
  const { smpp } = account;
  const log = config.accounts.length > 1 ? shared.log.child({ account: account.name }) : shared.log;
  const {
    login,
    session: sessionConfig,
    reloadLogin,
  } = await sessionSetup(account, config.aws, deps.readSecret, deps.session);
  const queues = {
    urgent: new SqsLane(sqs, 'urgent', account.queues.urgent),
    bulk: new SqsLane(sqs, 'bulk', account.queues.bulk),
  } satisfies Record<Lane, SqsLane>;
  // Fails the start, naming the queue, before any socket is opened.
  const [urgentVisibility, bulkVisibility] = await Promise.all(
    LANES.map((lane) => queues[lane].visibilityTimeoutSeconds()),
  );
  const stats = emptyStats();

  // Every bind, the first and each reconnect, first makes sure the login's lease is still ours.
  const bindPermit = () => lease.confirm();
  const clients = Array.from({ length: smpp.binds }, () => new SmppClient(sessionConfig, { bindPermit }));
  const binds = new BindPool(clients);
  const rate = new RateLimiter({ ...deps.rateLimiter, ratePerSecond: smpp.throughput });
  const handler = deliveryHandler({
    receipts: messages,
    inbound: new InboundRepository(document, config.tables.inbound, { clock }),
    parts: new InboundDeliveryStore(document, config.tables.inbound, { clock }),
    isoMode: smpp.flags.iso,
    smscIdBase: smpp.messageIdBase,
    receiptTextFallback: smpp.receiptTextFallback,
    stats,
    log: log.child({ component: 'deliveries' }),
    clock,
  });
  const watches = clients.map(
    (client, index) => new ConnectWatch(client, log.child({ component: 'smpp', bind: index })),
  );
  const unsubscribe = clients.map((client, index) => {
    client.onDeliver(handler);
    return logSessionEvents(client, log.child({ component: 'smpp', bind: index }));
  });
  unsubscribe.push(...watches.map((watch) => () => watch.off()));
  const unknowns = resolveUnknowns({
    sessions: clients,
    messages,
    rate,
    singleIds: smpp.flags.single,
    reconcile: config.reconcile,
    defaultSender: smpp.defaultSender,
    stats,
    log,
    clock,
    account: { name: account.name, isDefault: account === config.accounts[0] },
  });
  const stopTaking = new AbortController();
  const pipeline = new SubmitPipeline({
    messages,
    queues,
    binds,
    rate,
    prepare: {
      ...config.prepare,
      ...(smpp.defaultSender ? { defaultSender: smpp.defaultSender } : {}),
      sourceAddress: smpp.sourceAddress,
      accounts: config.accounts,
      // This pair of queues is this login's: a message naming no account is its.
      queueAccount: account.name,
    },
    stats,
    log: log.child({ component: 'pipeline' }),
    stopTaking: stopTaking.signal,
    singleIds: smpp.flags.single,
    guard: new AntiLoopGuard(document, config.tables.messages, config.antiLoop, clock),
    partsWindowMs: smpp.partsWindowMs,
    clock,
    ...(deps.retryPolicy ? { policy: deps.retryPolicy } : {}),
    ...(deps.requeueBackoff ? { requeueBackoff: deps.requeueBackoff } : {}),
  });
  const lanes = new Lanes({
    queues,
    visibilitySeconds: { urgent: urgentVisibility ?? 60, bulk: bulkVisibility ?? 300 },
    pipeline,
    binds,
    limit: smpp.windowSize * smpp.binds + HOLD_MARGIN,
    waitSeconds: config.receiveWaitSeconds,
    stopTaking,
    log: log.child({ component: 'lanes' }),
  });
  const lease = new LoginLease({
    leases: new LeaseRepository(document, config.tables.messages, { clock }),
    systemId: login.systemId,
    owner: shared.owner,
    slots: Math.max(1, Math.floor((smpp.flags.mcon ?? 1) / smpp.binds)),
    ttlMs: config.lease.ttlMs,
    retryMs: config.lease.retryMs,
    log: log.child({ component: 'lease' }),
  });
  const refusedLogins = new RefusedLogins({
    reloadLogin,
    password: login.password,
    intervalMs: smpp.loginRecheckMs,
    log: log.child({ component: 'login' }),
  });
  const health = accountHealth({
    name: account.name,
    clients,
    watches,
    firstHost: smpp.hosts[0]?.host ?? '',
    lanes,
    rate,
    stats,
    refusedLogin: (client) => refusedLogins.problem(client),
  });
  const leaseAbort = new AbortController();

  const start = () => {
    void (async () => {
      if (!(await lease.acquire(leaseAbort.signal))) return;
      // stop() came while the lease was being written: give it straight back, bind nothing.
      if (leaseAbort.signal.aborted) {
        await lease.release();
        return;
      }
      lease.keep((reason) =>
        shared.fail(new Error(`login lease lost (${account.name}): ${reason}`), { unbindFirst: true }),
      );
      for (const client of clients) {
        client.start().catch((error: unknown) => {
          if (error instanceof BindCredentialsError) refusedLogins.refused(client, error);
        });
      }
      lanes.start();
      unknowns.start();
    })().catch((error: unknown) => shared.fail(error instanceof Error ? error : new Error(String(error))));
  };

  const stop = async ({ unbindFirst = false }: { unbindFirst?: boolean }) => {
    const started = performance.now();
    leaseAbort.abort();
    refusedLogins.stop();
    const asked = unknowns.stopAsking();
    const unbound = unbindFirst && Promise.all(clients.map((client) => client.stop({ unbindFirst })));
    await lanes.stopTaking();
    const drained = unbound ? false : await lanes.drain(config.drainMs);
    const left = Math.max(0, config.drainMs - (performance.now() - started));
    // Whatever is still unanswered after the drain resolves 'unknown' (never resent).
    await (unbound || Promise.all(clients.map((client) => client.stop({ drainTimeoutMs: left }))));
    rate.close();
    await asked;
    const settled = await lanes.drain(SETTLE_MS);
    await unknowns.settle();
    await lanes.close();
    await lease.release();
    for (const off of unsubscribe) off();
    return { drained, settled };
  };

  return { name: account.name, clients, stats, health, start, stop };
}
