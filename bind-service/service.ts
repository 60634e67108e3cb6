// The composition root: config → AWS clients and repositories → rate limiter, binds, lanes,
// pipeline, delivery handler, lease and health server. `startBindService` is what main.ts, the
// local stack (`npm start`) and the tests run; it returns at once and binds in the background
// (after taking the login lease), so /healthz answers 503 until a bind is up.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BindCredentialsError, SmppClient } from '#bind-service/smpp/index.ts';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { createDynamoDbClients, createSqsClient } from '#core/aws/clients.ts';
import { InboundDeliveryStore } from '#core/aws/inbound/inbound-delivery-store.ts';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { LeaseRepository } from '#core/aws/lease.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { LANES, type Lane } from '#core/aws/resources/resource-definitions.ts';
import type { SecretReader } from '#core/aws/secrets.ts';
import type { Logger } from '#core/observability/logger.ts';
import { type BindServiceConfig, describeConfig } from './config.ts';
import { configWarnings } from './config-warnings.ts';
import { BindPool } from './dispatch/binds/bind-pool.ts';
import { ConnectWatch } from './dispatch/binds/connect-watch.ts';
import { LoginLease } from './dispatch/binds/login-lease.ts';
import { logSessionEvents } from './dispatch/binds/session-log.ts';
import { deliveryHandler } from './dispatch/deliveries/delivery-handler.ts';
import { RateLimiter, type RateLimiterOptions } from './dispatch/flow/rate-limiter.ts';
import { type DispatchStats, emptyStats } from './dispatch/flow/stats.ts';
import type { GiveBackBackoff } from './dispatch/intake/give-back.ts';
import { Lanes } from './dispatch/intake/lanes.ts';
import { SqsLane } from './dispatch/intake/sqs-lane.ts';
import { resolveUnknowns } from './dispatch/resolve/unknowns.ts';
import type { RetryPolicy } from './dispatch/submit/part-outcome.ts';
import { SubmitPipeline } from './dispatch/submit/submit-pipeline.ts';
import { type HealthReport, startHealthServer } from './health/health.ts';
import { healthReporter } from './health/health-report.ts';
import { bindServiceLogger } from './logger.ts';
import { RefusedLogins } from './login/refused-login.ts';
import { type SessionOverrides, sessionSetup } from './login/session-setup.ts';
import { startMetricsReporter } from './metrics.ts';

export interface BindServiceDeps {
  log?: Logger;
  /** Reads the SMPP login secret; default Secrets Manager. */
  readSecret?: SecretReader;
  /** This task's name in the lease; default host:pid:random. */
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
   * Resolves with the reason the service cannot go on (login refused, lease lost); it has begun
   * stopping by then. main.ts exits non-zero on it.
   */
  readonly fatal: Promise<Error>;
  readonly stats: DispatchStats;
  /** Stop taking work, drain the window, mark what stays unanswered unknown, unbind, release. */
  stop(): Promise<void>;
}

/** Messages held per lane beyond the binds' total window (DESIGN: bound what sits in memory). */
const HOLD_MARGIN = 10;
/** After the drain, how long pipelines get to write the outcome of what the engine gave up on. */
const SETTLE_MS = 10_000;

export async function startBindService(
  config: BindServiceConfig,
  deps: BindServiceDeps = {},
): Promise<BindService> {
  const log = deps.log ?? bindServiceLogger(config.logLevel);
  const clock = deps.clock ?? (() => new Date());
  const {
    login,
    session: sessionConfig,
    reloadLogin,
  } = await sessionSetup(config, deps.readSecret, deps.session);
  const { region, endpoints } = config.aws;
  const dynamo = createDynamoDbClients({
    region,
    ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
  });
  const sqs = createSqsClient({ region, ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}) });
  const messages = new MessageRepository(dynamo.document, config.tables.messages, {
    clock,
    smscIdBase: config.smpp.messageIdBase,
  });
  const stats = emptyStats();

  // Every bind, the first and each reconnect, first makes sure the login's lease is still ours.
  const bindPermit = () => lease.confirm();
  const clients = Array.from(
    { length: config.smpp.binds },
    () => new SmppClient(sessionConfig, { bindPermit }),
  );
  const binds = new BindPool(clients);
  const rate = new RateLimiter({ ...deps.rateLimiter, ratePerSecond: config.smpp.throughput });
  const handler = deliveryHandler({
    receipts: messages,
    inbound: new InboundRepository(dynamo.document, config.tables.inbound, { clock }),
    parts: new InboundDeliveryStore(dynamo.document, config.tables.inbound, { clock }),
    isoMode: config.smpp.flags.iso,
    smscIdBase: config.smpp.messageIdBase,
    receiptTextFallback: config.smpp.receiptTextFallback,
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
  const unknowns = resolveUnknowns({
    sessions: clients,
    messages,
    rate,
    singleIds: config.smpp.flags.single,
    reconcile: config.reconcile,
    defaultSender: config.smpp.defaultSender,
    stats,
    log,
    clock,
  });
  unsubscribe.push(...watches.map((watch) => () => watch.off()));

  const queues = {
    urgent: new SqsLane(sqs, 'urgent', config.queues.urgent),
    bulk: new SqsLane(sqs, 'bulk', config.queues.bulk),
  } satisfies Record<Lane, SqsLane>;
  const closeAws = () => {
    dynamo.document.destroy();
    dynamo.dynamo.destroy();
    sqs.destroy();
  };
  let visibility: number[];
  try {
    visibility = await Promise.all(LANES.map((lane) => queues[lane].visibilityTimeoutSeconds()));
  } catch (error) {
    // Fail at boot, naming the queue, and without leaving sockets open behind.
    closeAws();
    throw error;
  }
  const [urgentVisibility, bulkVisibility] = visibility;
  const stopTaking = new AbortController();
  const pipeline = new SubmitPipeline({
    messages,
    queues,
    binds,
    rate,
    prepare: {
      ...config.prepare,
      ...(config.smpp.defaultSender ? { defaultSender: config.smpp.defaultSender } : {}),
      sourceAddress: config.smpp.sourceAddress,
      accounts: config.accounts,
    },
    boundAccount: config.accounts[0].name,
    stats,
    log: log.child({ component: 'pipeline' }),
    stopTaking: stopTaking.signal,
    singleIds: config.smpp.flags.single,
    guard: new AntiLoopGuard(dynamo.document, config.tables.messages, config.antiLoop, clock),
    partsWindowMs: config.smpp.partsWindowMs,
    clock,
    ...(deps.retryPolicy ? { policy: deps.retryPolicy } : {}),
    ...(deps.requeueBackoff ? { requeueBackoff: deps.requeueBackoff } : {}),
  });
  const lanes = new Lanes({
    queues,
    visibilitySeconds: { urgent: urgentVisibility ?? 60, bulk: bulkVisibility ?? 300 },
    pipeline,
    binds,
    limit: config.smpp.windowSize * config.smpp.binds + HOLD_MARGIN,
    waitSeconds: config.receiveWaitSeconds,
    stopTaking,
    log: log.child({ component: 'lanes' }),
  });
  const mcon = config.smpp.flags.mcon ?? 1;
  const lease = new LoginLease({
    leases: new LeaseRepository(dynamo.document, config.tables.messages, { clock }),
    systemId: login.systemId,
    owner: deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    slots: Math.max(1, Math.floor(mcon / config.smpp.binds)),
    ttlMs: config.lease.ttlMs,
    retryMs: config.lease.retryMs,
    log: log.child({ component: 'lease' }),
  });

  const health = healthReporter({
    clients,
    watches,
    firstHost: config.smpp.hosts[0]?.host ?? '',
    lanes,
    rate,
    stats,
    refusedLogin: (client) => refusedLogins.problem(client),
  });
  const healthServer = await startHealthServer({ ...config.health, report: health }).catch(
    (error: unknown) => {
      closeAws();
      throw error;
    },
  );

  const metrics = config.metrics
    ? startMetricsReporter({
        ...config.metrics,
        read: () => ({
          bindsUp: clients.filter((client) => client.isBound).length,
          submitted: stats.submitted,
          throttled: stats.throttled,
          unknownOutcomes: stats.unknown,
        }),
        write: (line) => process.stdout.write(`${line}\n`),
        log: log.child({ component: 'metrics' }),
      })
    : undefined;

  const refusedLogins = new RefusedLogins({
    reloadLogin,
    password: login.password,
    intervalMs: config.smpp.loginRecheckMs,
    log: log.child({ component: 'login' }),
  });

  let reportFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  const leaseAbort = new AbortController();
  let stopping: Promise<void> | undefined;

  /** `unbindFirst`: the login may be someone else's: unbind at once, drain (record) afterwards. */
  const stop = ({ unbindFirst = false } = {}): Promise<void> => {
    stopping ??= (async () => {
      const started = performance.now();
      log.info('stopping: no new work', { drainMs: config.drainMs, unbindFirst });
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
      await healthServer.close();
      metrics?.stop();
      for (const off of unsubscribe) off();
      closeAws();
      log.info('stopped', { drained, settled, ...stats, receipts: stats.receipts, incoming: stats.incoming });
    })();
    return stopping;
  };

  const fail = (error: Error, options: { unbindFirst?: boolean } = {}) => {
    log.error('bind-service cannot go on; stopping', { error });
    reportFatal(error);
    void stop(options);
  };

  void (async () => {
    if (!(await lease.acquire(leaseAbort.signal))) return;
    // stop() came while the lease was being written: give it straight back, bind nothing.
    if (leaseAbort.signal.aborted) {
      await lease.release();
      return;
    }
    lease.keep((reason) => fail(new Error(`login lease lost: ${reason}`), { unbindFirst: true }));
    for (const client of clients) {
      client.start().catch((error: unknown) => {
        if (error instanceof BindCredentialsError) refusedLogins.refused(client, error);
      });
    }
    lanes.start();
    unknowns.start();
  })().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));

  log.info('bind-service started', { health: `${healthServer.url}/healthz`, config: describeConfig(config) });
  for (const warning of configWarnings(config)) log.warn(warning);
  return {
    url: healthServer.url,
    health,
    whenBound: () => Promise.any(clients.map((client) => client.whenBound())),
    fatal,
    stats,
    stop: () => stop(),
  };
}
