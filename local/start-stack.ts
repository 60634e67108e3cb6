import { randomBytes } from 'node:crypto';
import { type BindServiceConfig, loadConfig as loadBindServiceConfig } from '#bind-service/config.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import { type BindService, startBindService } from '#bind-service/service.ts';
import { withSmscBlock } from '#bind-service/smsc-block/load-block.ts';
import { createSqsClient } from '#core/aws/clients.ts';
import { sqsCallbackEnqueuer } from '#core/aws/queues/callback-job.ts';
import type { QueueNames, TableNames } from '#core/aws/resources/resource-definitions.ts';
import { accountsFromFile } from '#core/config/accounts.ts';
import { isGiven } from '#core/config/load-env.ts';
import { VAR } from '#core/config/variables.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import { loadConfig as loadApiConfig } from '#lambdas/api/config.ts';
import { createDeps } from '#lambdas/api/deps.ts';
import { apiLogger } from '#lambdas/api/http/request-log.ts';
import { startApiServer } from '#lambdas/api/server.ts';
import { loadCallbackWorkerConfig } from '#lambdas/callbacks/config.ts';
import { callbackWorkerLogger } from '#lambdas/callbacks/ports.ts';
import type { EventPublisher } from '#lambdas/status-stream/event-publishers.ts';
import { statusStreamLogger } from '#lambdas/status-stream/ports.ts';
import { createAccountQueues, pointAtSimulator, startAccountsSimulator } from '#local/accounts.ts';
import { callbackWorkerPorts, startCallbackWorker } from '#local/callback-worker.ts';
import { countDiscarded, type Discarded } from '#local/discarded.ts';
import { type DynamoDbLocalExit, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { localApiRoutes } from '#local/event-feed.ts';
import { portInUse } from '#local/ports.ts';
import { createResources, deleteTables, LOCAL_REGION } from '#local/resources.ts';
import { type SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import { startSqsLocal } from '#local/sqs-local.ts';
import {
  apiEnv,
  bindServiceEnv,
  callbackWorkerEnv,
  DEFAULT_API_PORT,
  DEFAULT_RECEIPT_DELAY_MS,
  type Env,
  type SmppTarget,
  simulatedLogin,
  usesSimulator,
} from '#local/stack-config.ts';
import { statusHandler } from '#local/streams/status-handler.ts';
import { type StreamPoller, startStreamPoller } from '#local/streams/stream-poller.ts';
import { startLocalSweeper } from '#local/sweeper-loop.ts';

// The whole system on one machine (`npm start`, the stack integration tests, the pipeline benchmark):
// DynamoDB Local and fauxqs, the tables and queues from the definitions the CDK stack uses, the SMSC
// simulator (unless SMPP_HOST points elsewhere), the HTTP API, the bind-service and the stream
// poller feeding the status handler. Everything runs in this process except DynamoDB Local's JVM.

export interface LocalStackOptions {
  /**
   * SMPP_* (SMPP_CONFIG_FILE: the provider's Kannel block), LEASE_*, RECONCILE_*, MAX_PARTS,
   * ANTI_LOOP_*, LOG_LEVEL, CALLBACK_SIGNING_SECRET, CALLBACK_TIMEOUT_MS, EVENT_BUS_NAME,
   * EVENTS_URL, SWEEP_* (stack-config.ts says which reach the bind-service);
   * `npm start` passes process.env.
   */
  env?: Env;
  /** API port (`npm start`: PORT); 0 picks a free one (tests). Default 3000. */
  apiPort?: number;
  /** Fixed ports for the local servers; default free ones. */
  dynamoPort?: number;
  sqsPort?: number;
  /**
   * A DynamoDB Local already running (the test run's shared one): used, not started or stopped.
   * Give the stack a `prefix` of its own then, as its tables go into that shared database.
   */
  dynamoEndpoint?: string;
  /** Run DynamoDB Local in its own process group (`npm start`: Ctrl-C must not kill it mid-drain). */
  detachDatabase?: boolean;
  /** Resource name prefix; default "local". */
  prefix?: string;
  /** Overrides for the embedded simulator (receipt delay, rules, rate...). */
  simulator?: Partial<SimulatorOptions>;
  /** Where status events go when EVENT_BUS_NAME is not set; default one log line per event. */
  events?: EventPublisher;
  /** Secret for callback signatures; default CALLBACK_SIGNING_SECRET or a random one per start. */
  callbackSecret?: string;
  /** Seconds before a failed callback is tried again; default the worker's back-off (10 s, 30 s, ...). */
  callbackBackoff?: (attempt: number) => number;
  /** false: the caller runs the bind-service itself (the benchmark measures it in its own process). */
  bindService?: boolean;
  /** Every component's JSON log lines; default stdout. */
  write?: (line: string) => void;
  /**
   * Gives up the start: what already runs is stopped and startLocalStack rejects with the reason
   * (`npm start` on Ctrl-C before the stack is up: nothing, the JVM least of all, may outlive it).
   */
  signal?: AbortSignal;
  /**
   * Given: stop() counts what the in-memory storage still holds unfinished, after the bind-service
   * has drained and just before DynamoDB Local and fauxqs go, and hands the count here.
   */
  onDiscard?: (discarded: Discarded) => void;
}

export interface LocalStack {
  apiUrl: string;
  simulator?: SmscSimulator;
  smpp: SmppTarget;
  endpoints: { dynamodb: string; sqs: string; bindServiceHealth?: string };
  /** The JVM of the DynamoDB Local this stack started; undefined with options.dynamoEndpoint. */
  dynamoDbPid?: number | undefined;
  /**
   * Settles if the DynamoDB Local this stack started ends by itself (killed, out of memory): every
   * record is gone and the stack cannot recover. Undefined with options.dynamoEndpoint.
   */
  databaseExited?: Promise<DynamoDbLocalExit>;
  region: string;
  tables: TableNames;
  /** Queue URLs. */
  queues: QueueNames;
  /** The bind-service's environment, for running it elsewhere (bindService: false). */
  bindServiceEnv: Record<string, string>;
  bindService?: BindService;
  poller: StreamPoller;
  callbackSecret: string;
  /** Stops everything in reverse order and waits for each part (DynamoDB Local's JVM included). */
  stop(): Promise<void>;
}

type Stopper = { name: string; stop: () => Promise<void> | void };

/** How long a stop may spend counting what it discards (a scan of the local table, queue depths). */
const DISCARD_COUNT_TIMEOUT_MS = 3_000;
/** Loopback only: the local stack has no authentication. */
const API_HOST = '127.0.0.1';

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // SMPP_CONFIG_FILE's block becomes SMPP_* variables here, so every component (the API reads
  // SMPP_SYSTEM_TYPE too) and the choice of the simulator see the same settings as the bind-service.
  const env = withSmscBlock(options.env ?? {}).env;
  // Read first: a broken accounts file stops the stack before anything starts.
  const accounts = accountsFromFile(env);
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Each part logs under its own service name, in the one format, to the same writer.
  const stackLog = createLogger({ service: 'local-stack', write });
  // Started parts, stopped in reverse order, whether start completes or fails half-way.
  const started: Stopper[] = [];
  const stopAll = async () => {
    for (const part of started.splice(0).reverse()) {
      try {
        await part.stop();
      } catch (error) {
        stackLog.error('stop failed', { part: part.name, error: String(error) });
      }
    }
  };

  const signal = options.signal;
  const apiPort = options.apiPort ?? DEFAULT_API_PORT;
  try {
    signal?.throwIfAborted();
    // The API listens last; a port someone else holds is found before anything starts, not after
    // DynamoDB Local, the queues and the bind to the SMSC (listen still says so if taken meanwhile).
    if (apiPort !== 0 && (await portInUse(apiPort, API_HOST))) throw apiPortInUse(apiPort);
    // allSettled, not all: when one fails the other may still come up, and must be stopped too.
    const [dynamoStart, sqsStart] = await Promise.allSettled([
      options.dynamoEndpoint
        ? { endpoint: options.dynamoEndpoint, pid: undefined, stop: async () => undefined }
        : startDynamoDbLocal({
            port: options.dynamoPort ?? 0,
            detached: options.detachDatabase ?? false,
            ...(signal ? { signal } : {}),
          }),
      startSqsLocal({ port: options.sqsPort ?? 0 }),
    ]);
    if (dynamoStart.status === 'fulfilled')
      started.push({ name: 'dynamodb-local', stop: dynamoStart.value.stop });
    if (sqsStart.status === 'fulfilled') started.push({ name: 'sqs-local', stop: sqsStart.value.stop });
    if (dynamoStart.status === 'rejected') throw dynamoStart.reason;
    if (sqsStart.status === 'rejected') throw sqsStart.reason;
    signal?.throwIfAborted();
    const [dynamo, sqs] = [dynamoStart.value, sqsStart.value];
    const endpoints = { dynamodb: dynamo.endpoint, sqs: sqs.endpoint };
    const { tables, queues } = await createResources({
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: sqs.endpoint,
      prefix: options.prefix ?? 'local',
      region: LOCAL_REGION,
    });
    signal?.throwIfAborted();
    // Stopped right before the storage, after the bind-service has drained: what is left is lost.
    const sendQueues = [queues.urgent, queues.bulk];
    const onDiscard = options.onDiscard;
    if (onDiscard) {
      const count = async () =>
        onDiscard(
          await countDiscarded({
            dynamoEndpoint: dynamo.endpoint,
            sqsEndpoint: sqs.endpoint,
            messagesTable: tables.messages,
            sendQueues,
            timeoutMs: DISCARD_COUNT_TIMEOUT_MS,
          }),
        );
      started.push({ name: 'discard-count', stop: count });
    }
    // In a database shared with others, the tables go when the stack goes (stopped last).
    if (options.dynamoEndpoint) {
      const shared = { endpoint: options.dynamoEndpoint };
      started.unshift({ name: 'tables', stop: () => deleteTables(shared, Object.values(tables)) });
    }

    // Undefined: SMPP_HOST names a real SMSC, reported as the bind-service's config has it (below).
    const simulated = accounts
      ? await startAccountsSimulator(accounts, options.simulator)
      : await startSimulator(env, options.simulator);
    const simulator = simulated?.simulator;
    if (simulator) started.push({ name: 'simulator', stop: () => simulator.close() });
    signal?.throwIfAborted();
    // With SMPP_ACCOUNTS every login is the simulator's: the components read a copy saying so.
    const pointed =
      accounts && simulated
        ? pointAtSimulator(env[VAR.SMPP_ACCOUNTS] ?? '', simulated.smpp.host, simulated.smpp.port)
        : undefined;
    if (pointed) started.push({ name: 'accounts-file', stop: () => pointed.remove() });
    // Every account but the first drains a queue pair of its own.
    const accountQueues = accounts
      ? await createAccountQueues(accounts, sqs.endpoint, options.prefix ?? 'local')
      : undefined;
    for (const { urgent, bulk } of Object.values(accountQueues ?? {})) sendQueues.push(urgent, bulk);
    signal?.throwIfAborted();
    const componentEnv = {
      ...env,
      ...(pointed ? { [VAR.SMPP_ACCOUNTS]: pointed.file } : {}),
      ...(accountQueues ? { [VAR.ACCOUNT_QUEUES]: JSON.stringify(accountQueues) } : {}),
    };

    const envInput = {
      env: componentEnv,
      region: LOCAL_REGION,
      endpoints,
      tables,
      queues,
      ...(simulated && !accounts
        ? {
            simulator: {
              host: simulated.smpp.host,
              port: simulated.smpp.port,
              systemId: simulated.smpp.systemId,
              password: simulated.smpp.password,
            },
          }
        : {}),
    };
    const userSecret = env[VAR.CALLBACK_SIGNING_SECRET];
    const callbackSecret =
      options.callbackSecret ?? (isGiven(userSecret) ? userSecret : randomBytes(32).toString('hex'));
    // Read by the worker's own loader, as in AWS: CALLBACK_TIMEOUT_MS as given, a bad value refused
    // naming it.
    const callbackConfig = loadCallbackWorkerConfig(callbackWorkerEnv(envInput, callbackSecret));
    const sqsClient = createSqsClient({ region: LOCAL_REGION, endpoint: sqs.endpoint });
    started.push({ name: 'sqs-client', stop: () => sqsClient.destroy() });
    const callbacks = startCallbackWorker({
      sqs: sqsClient,
      queueUrl: queues.callbacks,
      ports: callbackWorkerPorts(dynamo.endpoint, tables.messages, sqsClient, queues.callbacks, {
        secret: callbackSecret,
        timeoutMs: callbackConfig.callbackTimeoutMs,
        log: callbackWorkerLogger(write),
        ...(options.callbackBackoff ? { backoff: options.callbackBackoff } : {}),
      }),
      log: callbackWorkerLogger(write),
    });
    started.push({ name: 'callback-worker', stop: () => callbacks.stop() });
    const status = statusHandler(env, {
      events: options.events,
      enqueue: sqsCallbackEnqueuer(sqsClient, queues.callbacks),
      log: statusStreamLogger(write),
    });
    started.push({ name: 'status-handler', stop: status.close });
    const pollStream = async (name: string, tableName: string): Promise<StreamPoller> => {
      const streamPoller = await startStreamPoller({
        endpoint: dynamo.endpoint,
        region: LOCAL_REGION,
        tableName,
        handle: status.handle,
        log: createLogger({ service: 'stream-poller', write }),
      });
      started.push({ name, stop: () => streamPoller.stop() });
      return streamPoller;
    };
    const poller = await pollStream('stream-poller', tables.messages);
    // Incoming messages: the inbound table's stream, into the same handler (InboundMessageReceived).
    await pollStream('inbound-stream-poller', tables.inbound);
    signal?.throwIfAborted();

    const serviceEnv = bindServiceEnv(envInput);
    // Read once, by the bind-service's own loader: the bind-service runs on it, and a real SMSC is
    // reported as it is dialled (with SMPP_TLS=yes or 1 too, port 3443 unless SMPP_PORT says).
    let config: BindServiceConfig | undefined;
    let smpp: SmppTarget;
    if (simulated) {
      smpp = simulated.smpp;
      if (options.bindService !== false) config = loadBindServiceConfig(serviceEnv);
    } else {
      config = loadBindServiceConfig(serviceEnv);
      smpp = realSmsc(config);
    }
    let bindService: BindService | undefined;
    if (options.bindService !== false && config) {
      bindService = await startBindService(config, {
        log: bindServiceLogger(config.logLevel, write),
      });
      const service = bindService;
      started.push({ name: 'bind-service', stop: () => service.stop() });
      signal?.throwIfAborted();
    }

    const api = createDeps(loadApiConfig(apiEnv(envInput)), { log: apiLogger(write) });
    started.push({ name: 'api-clients', stop: () => api.destroy() });
    const localRoutes = localApiRoutes(status.feed, { region: LOCAL_REGION, endpoints, queues });
    const server = await startApiServer({ port: apiPort, host: API_HOST, deps: api.deps, localRoutes }).catch(
      (error: unknown) => {
        throw isAddressInUse(error) ? apiPortInUse(apiPort) : error;
      },
    );
    started.push({ name: 'api', stop: () => server.close() });
    signal?.throwIfAborted();

    // The sweeper's schedule: accepted records whose enqueue never happened are enqueued again.
    const sweeper = startLocalSweeper(envInput, write);
    started.push({ name: 'sweeper', stop: () => sweeper.stop() });

    let stopping: Promise<void> | undefined;
    return {
      apiUrl: server.url,
      ...(simulator ? { simulator } : {}),
      smpp,
      endpoints: {
        ...endpoints,
        ...(bindService ? { bindServiceHealth: `${bindService.url}/healthz` } : {}),
      },
      dynamoDbPid: dynamo.pid,
      ...('exited' in dynamo ? { databaseExited: dynamo.exited } : {}),
      region: LOCAL_REGION,
      tables,
      queues,
      bindServiceEnv: serviceEnv,
      ...(bindService ? { bindService } : {}),
      poller,
      callbackSecret,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Node's "listen EADDRINUSE ... 127.0.0.1:3000" names neither the API nor the setting that moves it. */
function apiPortInUse(port: number): Error {
  return new Error(
    `${VAR.PORT} ${port} is in use: the local API cannot listen on ${API_HOST}:${port}; set ${VAR.PORT} to another` +
      ' port, or 0 for any free one',
  );
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

/** The real SMSC the bind-service dials first, its login and rate, as its config has them. */
function realSmsc(config: BindServiceConfig): SmppTarget {
  const { smpp } = config.accounts[0];
  const [first] = smpp.hosts;
  const { credentials } = smpp;
  return {
    simulated: false,
    host: first?.host ?? '',
    port: first?.port ?? 0,
    // No local defaults for a real account: the bind-service's config has named what is missing.
    systemId: credentials.systemId ?? '',
    password: credentials.kind === 'inline' ? credentials.password : '',
    throughput: smpp.throughput,
  };
}

/** The embedded simulator, unless SMPP_HOST names a real SMSC (then undefined). */
async function startSimulator(
  env: Env,
  overrides: Partial<SimulatorOptions> | undefined,
): Promise<{ simulator: SmscSimulator; smpp: SmppTarget } | undefined> {
  if (!usesSimulator(env)) return undefined;
  const login = simulatedLogin(env);
  const simulator = new SmscSimulator({
    accounts: [{ systemId: login.systemId, password: login.password, rate: login.throughput }],
    receiptDelayMs: DEFAULT_RECEIPT_DELAY_MS,
    ...overrides,
  });
  const port = await simulator.listen(0);
  return { simulator, smpp: { simulated: true, host: '127.0.0.1', port, ...login } };
}
