import type { QueueNames, TableNames } from '#core/aws/resources/resource-definitions.ts';
import { type Env, isGiven } from '#core/config/load-env.ts';
import { MAX_INTERVAL_SECONDS } from '#core/config/shared-variables.ts';
import { VAR, type VariableName } from '#core/config/variables.ts';

// The local stack's settings: which SMSC to talk to (the embedded simulator unless SMPP_HOST is
// set) and the environment each component gets, built from the user's SMPP_* variables and the
// resources just created. The components validate their own variables (loadConfig), so a bad value
// fails at start naming the variable, exactly as in AWS.

export type { Env };

/** The simulator's login when none is given: local only, never a real account. */
export const LOCAL_LOGIN = { systemId: 'local', password: 'local-pw' } as const;
/** The local API's port when PORT is not given. */
export const DEFAULT_API_PORT = 3000;
/** The provider's default account rate (SPEC §2). */
export const DEFAULT_THROUGHPUT = 30;
/** `npm start` sweeps for accepted records never enqueued this often by default. */
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 60;
/** Receipts arrive this long after the submit, like a fast network. */
export const DEFAULT_RECEIPT_DELAY_MS = 200;
/** The bind-service's ReceiveMessage wait locally, seconds (AWS: 20): what a stop waits at most for it. */
export const LOCAL_SQS_WAIT_SECONDS = '1';

export interface SmppTarget {
  /** true: the embedded simulator; false: SMPP_HOST (a real SMSC or a standalone simulator). */
  simulated: boolean;
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** msg/s: the simulator's account rate and the bind-service's cap. */
  throughput: number;
}

function positiveNumber(env: Env, name: VariableName, fallback: number): number {
  const value = env[name];
  if (!isGiven(value)) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`${name} must be a positive number, got "${value}"`);
  return parsed;
}

/** The local API's port: PORT, or 3000 when it is unset, empty or blank (isGiven); 0 picks a free one. */
export function apiPort(env: Env): number {
  const value = env[VAR.PORT];
  if (!isGiven(value)) return DEFAULT_API_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${VAR.PORT} must be a port number (0-65535), got "${value}"`);
  }
  return port;
}

/** The simulator's account, from SMPP_SYSTEM_ID/SMPP_PASSWORD/SMPP_THROUGHPUT or the local defaults. */
export function simulatedLogin(env: Env): Omit<SmppTarget, 'host' | 'port' | 'simulated'> {
  return {
    systemId: valueOr(env, VAR.SMPP_SYSTEM_ID, LOCAL_LOGIN.systemId),
    password: valueOr(env, VAR.SMPP_PASSWORD, LOCAL_LOGIN.password),
    throughput: positiveNumber(env, VAR.SMPP_THROUGHPUT, DEFAULT_THROUGHPUT),
  };
}

export function usesSimulator(env: Env): boolean {
  return !isGiven(env[VAR.SMPP_HOST]);
}

export interface ComponentEnvInput {
  env: Env;
  region: string;
  endpoints: { dynamodb: string; sqs: string };
  tables: TableNames;
  queues: QueueNames;
  /** Only with the embedded simulator: where it listens and the login it accepts. */
  simulator?: { host: string; port: number; systemId: string; password: string };
}

/** Settings both the API and the bind-service read: they must agree on encodings and parts. */
/** Where every component finds AWS locally: the region, the local endpoints, the messages table. */
function storageEnv(input: ComponentEnvInput): Record<string, string> {
  return {
    [VAR.AWS_REGION]: input.region,
    [VAR.AWS_ENDPOINT_URL_DYNAMODB]: input.endpoints.dynamodb,
    [VAR.AWS_ENDPOINT_URL_SQS]: input.endpoints.sqs,
    [VAR.MESSAGES_TABLE]: input.tables.messages,
  };
}

function sharedEnv(input: ComponentEnvInput): Record<string, string> {
  return {
    ...storageEnv(input),
    ...passThrough(input.env, [
      VAR.SMPP_ACCOUNTS,
      VAR.ACCOUNT_QUEUES,
      VAR.SMPP_SYSTEM_TYPE,
      VAR.MAX_PARTS,
      VAR.ANTI_LOOP_DUPLICATE_SECONDS,
      VAR.ANTI_LOOP_FLOOD_LIMIT,
      VAR.ANTI_LOOP_FLOOD_GAP_SECONDS,
      // What a message without `from` goes out as: the API's duplicate rule compares by it too.
      VAR.SMPP_DEFAULT_SENDER,
    ]),
  };
}

/**
 * The API's bounds on DynamoDB/SQS calls and on a batch's publishing (lambdas/api/config.ts): in AWS
 * they keep an answer inside the Lambda's timeout; locally no Lambda cuts a request off, and DynamoDB
 * Local on a busy machine can take seconds where DynamoDB takes milliseconds.
 */
export const LOCAL_API_LIMITS = {
  DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
  SQS_REQUEST_TIMEOUT_MS: '10000',
  BATCH_ENQUEUE_BUDGET_MS: '120000',
} as const;

export function apiEnv(input: ComponentEnvInput): Record<string, string> {
  return {
    ...sharedEnv(input),
    ...LOCAL_API_LIMITS,
    // The local callback worker posts to loopback receivers (callback-worker.ts).
    [VAR.ALLOW_LOOPBACK_CALLBACKS]: 'true',
    [VAR.URGENT_QUEUE_URL]: input.queues.urgent,
    [VAR.BULK_QUEUE_URL]: input.queues.bulk,
  };
}

/** The sweeper's variables (lambdas/sweeper/config.ts); SWEEP_* pass through. */
export function sweeperEnv(input: ComponentEnvInput): Record<string, string> {
  return {
    ...storageEnv(input),
    [VAR.URGENT_QUEUE_URL]: input.queues.urgent,
    [VAR.BULK_QUEUE_URL]: input.queues.bulk,
    ...passThrough(input.env, [
      VAR.ACCOUNT_QUEUES,
      VAR.SMPP_ACCOUNTS,
      VAR.SWEEP_AGE_SECONDS,
      VAR.SWEEP_LOOKBACK_HOURS,
      VAR.SWEEP_MAX_PER_RUN,
      VAR.SWEEP_CONCURRENCY,
    ]),
  };
}

/**
 * The callback worker's variables (lambdas/callbacks/config.ts), read by its own loader as in AWS:
 * CALLBACK_TIMEOUT_MS passes through. Callback receivers run on this machine in local mode.
 */
export function callbackWorkerEnv(input: ComponentEnvInput, signingSecret: string): Record<string, string> {
  return {
    ...storageEnv(input),
    [VAR.CALLBACK_QUEUE_URL]: input.queues.callbacks,
    [VAR.CALLBACK_SIGNING_SECRET]: signingSecret,
    [VAR.ALLOW_LOOPBACK_CALLBACKS]: 'true',
    ...passThrough(input.env, [VAR.CALLBACK_TIMEOUT_MS]),
  };
}

/**
 * How often `npm start` sweeps (the AWS schedule runs every 2 minutes); SWEEP_INTERVAL_SECONDS, at
 * most a day: a timer given more than Node's limit fires after 1 ms, and the sweeper would spin.
 */
export function sweepIntervalMs(env: Env): number {
  const seconds = positiveNumber(env, VAR.SWEEP_INTERVAL_SECONDS, DEFAULT_SWEEP_INTERVAL_SECONDS);
  if (seconds > MAX_INTERVAL_SECONDS) {
    throw new Error(
      `${VAR.SWEEP_INTERVAL_SECONDS} must be at most ${MAX_INTERVAL_SECONDS} seconds (a day), got "${env[VAR.SWEEP_INTERVAL_SECONDS]}"`,
    );
  }
  return seconds * 1000;
}

/**
 * The bind-service settings of the user's that reach the local bind-service as given: every one of
 * its variables but those the stack sets itself (tables, queues, endpoints, region, HEALTH_*, the
 * login when simulated; DRAIN_SECONDS and SQS_WAIT_SECONDS with local defaults, below) and the
 * AWS-only ones (SMPP_SECRET_ARN and SMPP_TLS_SECRET_ARN: no Secrets Manager here; METRICS_*: no
 * CloudWatch reads the lines). SMPP_CONFIG_FILE's block is applied before (start-stack.ts).
 */
export const BIND_SERVICE_PASS_THROUGH = [
  VAR.SMPP_THROUGHPUT,
  VAR.SMPP_WINDOW,
  VAR.SMPP_BINDS,
  VAR.SMPP_SOURCE_ADDR_AUTODETECT,
  VAR.SMPP_SOURCE_ADDR_TON,
  VAR.SMPP_SOURCE_ADDR_NPI,
  VAR.SMPP_RECEIPT_TEXT_FALLBACK,
  VAR.SMPP_ENQUIRE_LINK_SECONDS,
  VAR.SMPP_RESPONSE_TIMEOUT_SECONDS,
  VAR.SMPP_LOGIN_RECHECK_SECONDS,
  VAR.SMPP_PARTS_WINDOW_SECONDS,
  VAR.SMPP_MESSAGE_ID_BASE,
  VAR.LEASE_TTL_SECONDS,
  VAR.LEASE_RETRY_SECONDS,
  VAR.RECONCILE_SECONDS,
  VAR.RECONCILE_MIN_AGE_SECONDS,
  VAR.RECONCILE_BATCH,
  VAR.LOG_LEVEL,
] as const satisfies readonly VariableName[];

/** The bind-service's variables (see bind-service/config.ts); SMPP_* pass through unless simulated. */
export function bindServiceEnv(input: ComponentEnvInput): Record<string, string> {
  const { env, simulator } = input;
  const smpp = simulator
    ? {
        [VAR.SMPP_HOST]: simulator.host,
        [VAR.SMPP_PORT]: String(simulator.port),
        [VAR.SMPP_SYSTEM_ID]: simulator.systemId,
        [VAR.SMPP_PASSWORD]: simulator.password,
      }
    : passThrough(env, [
        VAR.SMPP_HOST,
        VAR.SMPP_PORT,
        VAR.SMPP_BACKUP_HOST,
        VAR.SMPP_SYSTEM_ID,
        VAR.SMPP_PASSWORD,
        VAR.SMPP_TLS,
        VAR.SMPP_TLS_CA,
        VAR.SMPP_TLS_CERT,
        VAR.SMPP_TLS_KEY,
        VAR.SMPP_TLS_SERVERNAME,
      ]);
  return {
    ...sharedEnv(input),
    ...smpp,
    ...passThrough(env, BIND_SERVICE_PASS_THROUGH),
    [VAR.INBOUND_TABLE]: input.tables.inbound,
    [VAR.URGENT_QUEUE_URL]: input.queues.urgent,
    [VAR.BULK_QUEUE_URL]: input.queues.bulk,
    [VAR.URGENT_DLQ_URL]: input.queues.urgentDlq,
    [VAR.BULK_DLQ_URL]: input.queues.bulkDlq,
    // Loopback and a free port: several stacks (tests) run side by side, and nothing outside needs it.
    [VAR.HEALTH_HOST]: '127.0.0.1',
    [VAR.HEALTH_PORT]: '0',
    // Ctrl-C should not wait the 20 s an ECS task gets.
    [VAR.DRAIN_SECONDS]: valueOr(env, VAR.DRAIN_SECONDS, '5'),
    // A stop lets the open long poll finish (queue-consumer.ts), so with AWS's 20 s wait an idle
    // stack took 20 s to stop. Polling the in-process queue every second costs nothing.
    [VAR.SQS_WAIT_SECONDS]: valueOr(env, VAR.SQS_WAIT_SECONDS, LOCAL_SQS_WAIT_SECONDS),
  };
}

/** The user's value of `name`, or `fallback` when it is unset, empty or blank (isGiven). */
function valueOr(env: Env, name: VariableName, fallback: string): string {
  const value = env[name];
  return isGiven(value) ? value : fallback;
}

/** The user's values of `names`, those that are given (isGiven: not empty, not only blanks). */
function passThrough(env: Env, names: readonly VariableName[]): Record<string, string> {
  return Object.fromEntries(
    names.flatMap((name) => {
      const value = env[name];
      return isGiven(value) ? [[name, value]] : [];
    }),
  );
}
