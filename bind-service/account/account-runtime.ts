// One provider login at work: the sessions of the slots this task holds (slot-sessions.ts), its rate
// limiter (this task's share of the login's rate), queue lanes and submit pipeline (while a slot is
// held, account-intake.ts), delivery handler and reconciler. The service (service.ts) runs one per
// account side by side, sharing only the AWS clients and repositories, so one login's throttling,
// refused password, lost bind or full window never holds another's messages.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SmppClient } from '#bind-service/smpp/index.ts';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { InboundDeliveryStore } from '#core/aws/inbound/inbound-delivery-store.ts';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { LeaseRepository } from '#core/aws/lease.ts';
import type { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { SecretReader } from '#core/aws/secrets.ts';
import { PRIORITIES, type Priority } from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { BindServiceConfig } from '../config.ts';
import { BindPool } from '../dispatch/binds/bind-pool.ts';
import { ConnectWatch } from '../dispatch/binds/connect-watch.ts';
import { LoginLease, slotHeldBeyond, slotKey } from '../dispatch/binds/login-lease.ts';
import { ReachabilityProbe } from '../dispatch/binds/reachability-probe.ts';
import { logSessionEvents } from '../dispatch/binds/session-log.ts';
import { deliveryHandler } from '../dispatch/deliveries/delivery-handler.ts';
import { RateLimiter, type RateLimiterOptions } from '../dispatch/flow/rate-limiter.ts';
import { type DispatchStats, emptyStats } from '../dispatch/flow/stats.ts';
import type { GiveBackBackoff } from '../dispatch/intake/give-back.ts';
import { SqsLane } from '../dispatch/intake/sqs-lane.ts';
import { resolveUnknowns } from '../dispatch/resolve/unknowns.ts';
import type { RetryPolicy } from '../dispatch/submit/part-action.ts';
import type { ClaimTasks } from '../dispatch/submit/redelivery.ts';
import { type AccountHealth, accountHealth } from '../health/health-report.ts';
import { RefusedLogins } from '../login/refused-login.ts';
import { type SessionOverrides, sessionSetup } from '../login/session-setup.ts';
import type { AccountConfig } from './account-config.ts';
import { type Intake, openIntake, SETTLE_MS } from './account-intake.ts';
import { SlotSessions } from './slot-sessions.ts';

/** Messages held per lane beyond the binds' total window (DESIGN: bound what sits in memory). */
const HOLD_MARGIN = 10;

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
  /** This task's name in the slot and roster leases. */
  owner: string;
  /** This task and the live ones, for a redelivery of a claimed message (redelivery.ts). */
  claimTasks: ClaimTasks;
  log: Logger;
  clock: () => Date;
  messages: MessageRepository;
  document: DynamoDBDocumentClient;
  /** The leases' own client (bind-service/aws-clients.ts): a renewal never queues behind message writes. */
  leaseDocument: DynamoDBDocumentClient;
  sqs: SQSClient;
  /** The task cannot go on: the service stops every account. */
  fail: (error: Error, options?: { unbindFirst?: boolean }) => void;
}

export interface AccountRuntime {
  readonly name: string;
  /** The login's sessions in the whole deployment (its slots). */
  readonly binds: number;
  /** The sessions of the slots this task holds now. */
  readonly clients: readonly SmppClient[];
  readonly stats: DispatchStats;
  health(): AccountHealth;
  /** The slots this task should hold (slot-coordinator.ts): takes them, gives the others up. */
  assign(indices: readonly number[]): void;
  /** Resolves once any session of the login is bound. */
  whenBound(): Promise<void>;
  /** Starts the reconciler; sessions and intake follow the slots assigned. */
  start(): void;
  /** Stop taking work, drain the window, mark what stays unanswered unknown, unbind, release. */
  stop(options: { unbindFirst?: boolean }): Promise<{ drained: boolean; settled: boolean }>;
}

/** Reads the login (and TLS material) and the queues' visibility; binds nothing until start(). */
export async function prepareAccount(account: AccountConfig, shared: AccountShared): Promise<AccountRuntime> {
  const { config, deps, clock, document, sqs } = shared;
  const { smpp } = account;
  const isDefault = account === config.accounts[0];
  // Each login's SMSC numbers its own messages: the receipt lookups of every account but the default
  // are the account's own (MessageTable.smscScope), so one login's receipt never finds another's.
  const messages = isDefault ? shared.messages : shared.messages.withSmscScope(account.name);
  const log = config.accounts.length > 1 ? shared.log.child({ account: account.name }) : shared.log;
  const {
    login,
    session: sessionConfig,
    reloadLogin,
  } = await sessionSetup(account, config.aws, deps.readSecret, deps.session);
  const queues = {
    urgent: new SqsLane(sqs, 'urgent', account.queues.urgent),
    bulk: new SqsLane(sqs, 'bulk', account.queues.bulk),
  } satisfies Record<Priority, SqsLane>;
  // Fails the start, naming the queue, before any socket is opened.
  const [urgentVisibility, bulkVisibility] = await Promise.all(
    PRIORITIES.map((lane) => queues[lane].visibilityTimeoutSeconds()),
  );
  const stats = emptyStats();

  const binds = new BindPool();
  // Sessions follow the slots: this task's share of the login's rate is throughput × held / binds.
  const rate = new RateLimiter({ ...deps.rateLimiter, ratePerSecond: smpp.throughput / smpp.binds });
  const handler = deliveryHandler({
    account: account.name,
    receipts: messages,
    inbound: new InboundRepository(document, config.tables.inbound, {
      clock,
      ...(isDefault ? {} : { smscScope: account.name }),
    }),
    parts: new InboundDeliveryStore(document, config.tables.inbound, {
      clock,
      ...(isDefault ? {} : { partsScope: account.name }),
    }),
    isoMode: smpp.flags.iso,
    smscIdBase: smpp.messageIdBase,
    receiptTextFallback: smpp.receiptTextFallback,
    stats,
    log: log.child({ component: 'deliveries' }),
    clock,
  });
  // The reconciler reads this list on every run: it is kept to the sessions of the slots held.
  const liveClients: SmppClient[] = [];
  const unknowns = resolveUnknowns({
    sessions: liveClients,
    messages,
    rate,
    singleIds: smpp.flags.single,
    reconcile: config.reconcile,
    defaultSender: smpp.defaultSender,
    sourceAddress: smpp.sourceAddress,
    stats,
    log,
    clock,
    account: { name: account.name, isDefault },
  });
  const refusedLogins = new RefusedLogins({
    reloadLogin,
    password: login.password,
    systemId: login.systemId,
    intervalMs: smpp.loginRecheckMs,
    log: log.child({ component: 'login' }),
    fromSecret: smpp.credentials.kind !== 'inline',
  });
  let heldSlots = 0;
  const intakeSettings = {
    queues,
    visibilitySeconds: { urgent: urgentVisibility ?? 60, bulk: bulkVisibility ?? 300 },
    binds,
    // The windows of the sessions this task holds, not of every slot of the login.
    limit: () => smpp.windowSize * Math.max(1, heldSlots) + HOLD_MARGIN,
    waitSeconds: config.receiveWaitSeconds,
    log,
    pipeline: {
      messages,
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
      singleIds: smpp.flags.single,
      guard: new AntiLoopGuard(document, config.tables.messages, config.antiLoop, clock),
      partsWindowMs: smpp.partsWindowMs,
      clock,
      claimTasks: shared.claimTasks,
      ...(deps.retryPolicy ? { policy: deps.retryPolicy } : {}),
      ...(deps.requeueBackoff ? { requeueBackoff: deps.requeueBackoff } : {}),
    },
  };
  let intake: Intake | undefined;
  const retiring = new Set<Promise<unknown>>();
  let stopping = false;
  const watches = new Map<SmppClient, ConnectWatch>();
  const offs = new Map<SmppClient, () => void>();
  let markBound: () => void = () => undefined;
  const bound = new Promise<void>((resolve) => {
    markBound = resolve;
  });
  const leases = new LeaseRepository(shared.leaseDocument, config.tables.messages, { clock });
  // A standby is healthy only once this task has reached the login's SMSC (its own hosts and TLS).
  const reachability = new ReachabilityProbe({
    hosts: sessionConfig.hosts,
    tls: sessionConfig.tls,
    log: log.child({ component: 'reachability' }),
  });

  const open = (index: number, bindPermit: () => Promise<boolean>) => {
    const client = new SmppClient({ ...sessionConfig, password: refusedLogins.password }, { bindPermit });
    const sessionLog = log.child({ component: 'smpp', bind: index });
    const watch = new ConnectWatch(client, sessionLog);
    watches.set(client, watch);
    client.onDeliver(handler);
    const off = [logSessionEvents(client, sessionLog), unknowns.watch(client), () => watch.off()];
    off.push(
      client.on('bound', () => {
        markBound();
        // A bind shows the SMSC can be reached: a standby later needs no probe.
        reachability.markReached();
      }),
      refusedLogins.watch(client),
    );
    offs.set(client, () => {
      for (const each of off) each();
    });
    liveClients.push(client);
    binds.add(client);
    // A refused login is followed by refusedLogins.watch(); any other rejection means stopped.
    client.start().catch(() => undefined);
    return client;
  };

  /** Rate and intake follow the count of slots held. */
  const onChange = (held: number) => {
    heldSlots = held;
    if (held > 0) rate.setCap((smpp.throughput * held) / smpp.binds);
    if (held > 0 && !intake && !stopping) {
      intake = openIntake(intakeSettings);
    } else if (held === 0 && intake) {
      const retired = intake.retire(config.drainMs);
      intake = undefined;
      retiring.add(retired);
      void retired.finally(() => retiring.delete(retired));
    }
  };

  const slots = new SlotSessions({
    lease: (index) =>
      new LoginLease({
        leases,
        key: slotKey(login.systemId, index),
        owner: shared.owner,
        ttlMs: config.lease.ttlMs,
        log: log.child({ component: 'lease' }),
      }),
    open,
    leaving: (client) => {
      binds.remove(client);
      const at = liveClients.indexOf(client);
      if (at !== -1) liveClients.splice(at, 1);
    },
    closed: (client) => {
      offs.get(client)?.();
      offs.delete(client);
      watches.delete(client);
    },
    onChange,
    failed: (error) => shared.fail(error),
    heldBeyond: () =>
      slotHeldBeyond(leases, { systemId: login.systemId, binds: smpp.binds, owner: shared.owner }),
    standingBy: () => reachability.start(),
    retryMs: config.lease.retryMs,
    // Not bounded by the ttl: the lease is renewed while the session drains, and its loss ends the
    // drain (a third of the ttl is then left for the unbind).
    drainMs: config.drainMs,
    log: log.child({ component: 'slots' }),
  });

  const health = accountHealth({
    name: account.name,
    clients: () => slots.sessions.map((session) => session.client),
    watchOf: (client) => watches.get(client),
    slots: () => ({ held: slots.held, binds: smpp.binds, standby: slots.standby }),
    firstHost: smpp.hosts[0]?.host ?? '',
    lanes: { lagMs: () => intake?.lanes.lagMs() ?? { urgent: 0, bulk: 0 } },
    pipeline: () => intake?.figures(),
    rate,
    stats,
    refusedLogin: (client) => refusedLogins.problem(client),
    unreached: () => reachability.problem,
  });

  const start = () => unknowns.start();

  const stop = async ({ unbindFirst = false }: { unbindFirst?: boolean }) => {
    const started = performance.now();
    stopping = true;
    slots.stopTaking();
    reachability.stop();
    refusedLogins.stop();
    const asked = unknowns.stopAsking();
    const unbound = unbindFirst && slots.stopAll({ unbindFirst });
    const current = intake;
    intake = undefined;
    await current?.lanes.stopTaking();
    const drained = unbound ? false : ((await current?.lanes.drain(config.drainMs)) ?? true);
    const left = Math.max(0, config.drainMs - (performance.now() - started));
    // Whatever is still unanswered after the drain resolves 'unknown' (never resent).
    await (unbound || slots.stopAll({ drainTimeoutMs: left }));
    rate.close();
    await asked;
    const settled = (await current?.lanes.drain(SETTLE_MS)) ?? true;
    await Promise.all(retiring);
    await unknowns.settle();
    await current?.lanes.close();
    for (const off of offs.values()) off();
    return { drained, settled };
  };

  return {
    name: account.name,
    binds: smpp.binds,
    get clients() {
      return slots.sessions.map((session) => session.client);
    },
    stats,
    health,
    assign: (indices) => slots.assign(indices),
    whenBound: () => bound,
    start,
    stop,
  };
}
