import type { QueueNames, TableNames } from '#core/aws/resources/resource-definitions.ts';

// The local stack's settings: which SMSC to talk to (the embedded simulator unless SMPP_HOST is
// set) and the environment each component gets, built from the user's SMPP_* variables and the
// resources just created. The components validate their own variables (loadConfig), so a bad value
// fails at start naming the variable, exactly as in AWS.

export type Env = Readonly<Record<string, string | undefined>>;

/** The simulator's login when none is given: local only, never a real account. */
export const LOCAL_LOGIN = { systemId: 'local', password: 'local-only' } as const;
/** The provider's default account rate (SPEC §2). */
export const DEFAULT_THROUGHPUT = 30;
/** Receipts arrive this long after the submit, like a fast network. */
export const DEFAULT_RECEIPT_DELAY_MS = 200;

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

function positiveNumber(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`${name} must be a positive number, got "${value}"`);
  return parsed;
}

/** The simulator's account, from SMPP_SYSTEM_ID/SMPP_PASSWORD/SMPP_THROUGHPUT or the local defaults. */
export function simulatedLogin(env: Env): Omit<SmppTarget, 'host' | 'port' | 'simulated'> {
  return {
    systemId: env.SMPP_SYSTEM_ID || LOCAL_LOGIN.systemId,
    password: env.SMPP_PASSWORD || LOCAL_LOGIN.password,
    throughput: positiveNumber(env.SMPP_THROUGHPUT, DEFAULT_THROUGHPUT, 'SMPP_THROUGHPUT'),
  };
}

export function usesSimulator(env: Env): boolean {
  return !env.SMPP_HOST;
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
function sharedEnv(input: ComponentEnvInput): Record<string, string> {
  const { env } = input;
  return {
    AWS_REGION: input.region,
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: input.endpoints.sqs,
    MESSAGES_TABLE: input.tables.messages,
    ...definedOnly({
      SMPP_SYSTEM_TYPE: env.SMPP_SYSTEM_TYPE,
      MAX_PARTS: env.MAX_PARTS,
      ANTI_LOOP_DUPLICATE_SECONDS: env.ANTI_LOOP_DUPLICATE_SECONDS,
      ANTI_LOOP_FLOOD_LIMIT: env.ANTI_LOOP_FLOOD_LIMIT,
      ANTI_LOOP_FLOOD_GAP_SECONDS: env.ANTI_LOOP_FLOOD_GAP_SECONDS,
    }),
  };
}

export function apiEnv(input: ComponentEnvInput): Record<string, string> {
  return {
    ...sharedEnv(input),
    URGENT_QUEUE_URL: input.queues.urgent,
    BULK_QUEUE_URL: input.queues.bulk,
  };
}

/** The bind-service's variables (see bind-service/config.ts); SMPP_* pass through unless simulated. */
export function bindServiceEnv(input: ComponentEnvInput): Record<string, string> {
  const { env, simulator } = input;
  const smpp = simulator
    ? {
        SMPP_HOST: simulator.host,
        SMPP_PORT: String(simulator.port),
        SMPP_SYSTEM_ID: simulator.systemId,
        SMPP_PASSWORD: simulator.password,
      }
    : definedOnly({
        SMPP_HOST: env.SMPP_HOST,
        SMPP_PORT: env.SMPP_PORT,
        SMPP_BACKUP_HOST: env.SMPP_BACKUP_HOST,
        SMPP_SYSTEM_ID: env.SMPP_SYSTEM_ID,
        SMPP_PASSWORD: env.SMPP_PASSWORD,
        SMPP_TLS: env.SMPP_TLS,
        SMPP_TLS_CA: env.SMPP_TLS_CA,
        SMPP_TLS_CERT: env.SMPP_TLS_CERT,
        SMPP_TLS_KEY: env.SMPP_TLS_KEY,
        SMPP_TLS_SERVERNAME: env.SMPP_TLS_SERVERNAME,
      });
  return {
    ...sharedEnv(input),
    ...smpp,
    ...definedOnly({
      SMPP_THROUGHPUT: env.SMPP_THROUGHPUT,
      SMPP_WINDOW: env.SMPP_WINDOW,
      SMPP_BINDS: env.SMPP_BINDS,
      SMPP_DEFAULT_SENDER: env.SMPP_DEFAULT_SENDER,
      SMPP_SOURCE_ADDR_AUTODETECT: env.SMPP_SOURCE_ADDR_AUTODETECT,
      SMPP_SOURCE_ADDR_TON: env.SMPP_SOURCE_ADDR_TON,
      SMPP_SOURCE_ADDR_NPI: env.SMPP_SOURCE_ADDR_NPI,
      SMPP_RECEIPT_TEXT_FALLBACK: env.SMPP_RECEIPT_TEXT_FALLBACK,
      SMPP_ENQUIRE_LINK_SECONDS: env.SMPP_ENQUIRE_LINK_SECONDS,
      SMPP_PARTS_WINDOW_SECONDS: env.SMPP_PARTS_WINDOW_SECONDS,
      SQS_WAIT_SECONDS: env.SQS_WAIT_SECONDS,
      LOG_LEVEL: env.LOG_LEVEL,
    }),
    INBOUND_TABLE: input.tables.inbound,
    URGENT_QUEUE_URL: input.queues.urgent,
    BULK_QUEUE_URL: input.queues.bulk,
    URGENT_DLQ_URL: input.queues.urgentDlq,
    BULK_DLQ_URL: input.queues.bulkDlq,
    // Loopback and a free port: several stacks (tests) run side by side, and nothing outside needs it.
    HEALTH_HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    // Ctrl-C should not wait the 20 s an ECS task gets.
    DRAIN_SECONDS: env.DRAIN_SECONDS || '5',
  };
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}
