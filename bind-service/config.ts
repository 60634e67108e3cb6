// The bind-service's settings, read once from the environment and validated at boot: a bad value
// stops the task with the variable's name instead of surfacing as a strange disconnect hours later.
// Each field states its invariant; the SMPP engine validates its own part again (parseSessionConfig).
import { z } from 'zod';
import type { SmppHost } from '#bind-service/smpp/index.ts';
import { PROVIDER_IDLE_LIMIT_MS } from '#bind-service/smpp/index.ts';
import { sameQueue } from '#core/config/account-queues.ts';
import { type Env, loadEnv } from '#core/config/load-env.ts';
import {
  antiLoopSettingsOf,
  antiLoopVariables,
  endpointsOf,
  endpointUrl,
  flag,
  MAX_INTERVAL_SECONDS,
  MAX_RESPONSE_TIMEOUT_SECONDS,
  preparationVariables,
  prepareOptionsOf,
} from '#core/config/shared-variables.ts';
import { VAR } from '#core/config/variables.ts';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import type { AntiLoopSettings } from '#core/domain/provider/anti-loop.ts';
import {
  SMPP_LOGIN_TEXT,
  SMPP_LOGIN_TEXT_RULE,
  SMPP_SYSTEM_ID_MAX_CHARS,
} from '#core/domain/provider/smpp-limits.ts';
import { isSmscHost, SMSC_HOST_RULE, SMSCENTRE_PORTS } from '#core/domain/provider/smsc-host.ts';
import { MAX_MCON_SESSIONS } from '#core/domain/provider/system-type.ts';
import { SMSC_ID_BASES } from '#core/domain/receipts/smsc-id.ts';
import type {
  AccountConfig,
  AccountQueues,
  SmppCredentialsSource,
  SmppSettings,
} from './account/account-config.ts';
import * as accountsConfig from './config-accounts.ts';
import { BindServiceConfigError, CONFIG_SOURCE, configError } from './config-error.ts';
import type { LogLevel } from './logger.ts';
import { withSmscBlock } from './smsc-block/load-block.ts';
import { tlsConfigOf, tlsVariables } from './tls-config.ts';

export type { AccountConfig, SmppCredentialsSource, SmppSettings } from './account/account-config.ts';

export interface BindServiceConfig {
  /**
   * The provider logins this task serves, each with its own sessions, rate, window and queues; the
   * first is the default account. One account named `default` when SMPP_ACCOUNTS is not set.
   */
  accounts: [AccountConfig, ...AccountConfig[]];
  tables: { messages: string; inbound: string };
  /** ReceiveMessage long-poll wait, 0..20 s (SQS's maximum). */
  receiveWaitSeconds: number;
  /** Must equal the API's (same SMPP_SYSTEM_TYPE and MAX_PARTS): the 202's parts are what is sent. */
  prepare: PrepareOptions;
  /** Applied to messages published straight to SQS (the API applied it to its own). */
  antiLoop: AntiLoopSettings;
  health: { host: string; port: number };
  /** How long a stop waits for in-flight submits to be answered; below ECS's stopTimeout. */
  drainMs: number;
  /**
   * The login slot and task roster leases: renewed every ttl/6; a slot is given up (unbind) once no
   * renewal succeeded for 2/3 of the ttl. The ttl stays far above clock skew.
   */
  lease: { ttlMs: number; retryMs: number };
  /**
   * QUERY_SM for `unknown` messages with SMSC ids: a run every intervalMs (0 = never) over at most
   * `batch` of them, each unknown for at least minAgeMs.
   */
  reconcile: { intervalMs: number; minAgeMs: number; batch: number };
  aws: { region: string; endpoints: { dynamodb?: string; sqs?: string; secretsManager?: string } };
  logLevel: LogLevel;
  /** CloudWatch EMF metric lines on stdout (docs/operations.md); absent = none (local mode). */
  metrics?: { namespace: string; service: string; intervalMs: number };
}

export { BindServiceConfigError, configError };

const DEFAULT_PORT = SMSCENTRE_PORTS.clear;
const DEFAULT_TLS_PORT = SMSCENTRE_PORTS.tls;
/** ECS allows a container at most 120 s between SIGTERM and SIGKILL; the drain must fit in it. */
const MAX_DRAIN_SECONDS = 110;
export const DEFAULT_SQS_WAIT_SECONDS = 20; // SQS's longest: the fewest calls on an idle queue
/**
 * A duration in seconds, used as whole milliseconds: at least 1 ms, since a positive value under it
 * (0.0004) would round to 0 ms, a lease that lapses at once or a submit timeout that makes every
 * submit `unknown`, and pass a mere "positive" check. At most `max` seconds, a day unless the setting
 * needs less (MAX_INTERVAL_SECONDS: beyond Node's timer limit a delay fires after 1 ms).
 */
function seconds(max: number = MAX_INTERVAL_SECONDS, why = 'a day') {
  return z.coerce
    .number()
    .min(0.001, 'must be at least 0.001 (1 ms)')
    .max(max, `must be at most ${max} seconds (${why})`);
}
const port = z.coerce.number().int().min(1).max(65_535);

/** A host alone: "host:3700" would be dialled as a name, and a backup host only at failover. */
const smscHost = z.string().min(1).refine(isSmscHost, `${SMSC_HOST_RULE}; give the port in ${VAR.SMPP_PORT}`);

/** A system_id or password the SMSC can take; refused at start, never quoted. */
const loginText = z.string().min(1).regex(SMPP_LOGIN_TEXT, SMPP_LOGIN_TEXT_RULE);

export const envSchema = z.object({
  [VAR.SMPP_CONFIG_FILE]: z.string().min(1).optional(), // read by withSmscBlock before this schema
  // Read by accountsFromFile (the file, or its JSON inline); then SMPP_HOST & co. stay unset.
  [VAR.SMPP_ACCOUNTS]: z.string().min(1).optional(),
  [VAR.SMPP_ACCOUNTS_JSON]: z.string().min(1).optional(),
  // Required without SMPP_ACCOUNTS (smppOf checks): the login's host.
  [VAR.SMPP_HOST]: smscHost.optional(),
  [VAR.SMPP_PORT]: port.optional(),
  [VAR.SMPP_BACKUP_HOST]: smscHost.optional(),
  [VAR.SMPP_SYSTEM_ID]: loginText.max(SMPP_SYSTEM_ID_MAX_CHARS).optional(),
  [VAR.SMPP_PASSWORD]: loginText.optional(),
  [VAR.SMPP_SECRET_ARN]: z.string().min(1).optional(),
  ...tlsVariables,
  [VAR.SMPP_THROUGHPUT]: z.coerce.number().positive().max(100_000).default(30),
  [VAR.SMPP_WINDOW]: z.coerce.number().int().min(1).max(100_000).default(300),
  [VAR.SMPP_BINDS]: z.coerce.number().int().min(1).max(MAX_MCON_SESSIONS).default(1),
  [VAR.SMPP_ENQUIRE_LINK_SECONDS]: seconds(
    PROVIDER_IDLE_LIMIT_MS / 1000 - 1,
    'below the provider’s 120 s idle limit',
  )
    // The provider's own default (SPEC §2, the seed's enquire-link-interval): half its idle limit.
    .default(60),
  [VAR.SMPP_RESPONSE_TIMEOUT_SECONDS]: seconds(MAX_RESPONSE_TIMEOUT_SECONDS, 'two minutes').default(30),
  [VAR.SMPP_LOGIN_RECHECK_SECONDS]: seconds().default(30),
  [VAR.SMPP_MESSAGE_ID_BASE]: z.enum(SMSC_ID_BASES).default('decimal'),
  // The provider's minute for all parts of a long message, less a margin for answers and clocks.
  [VAR.SMPP_PARTS_WINDOW_SECONDS]: seconds(60, 'the provider’s minute').default(55),
  // SMPP_DEFAULT_SENDER is among antiLoopVariables: the API compares duplicates by it too.
  // Kannel's source-addr-autodetect / -ton / -npi, with the provider's example values.
  [VAR.SMPP_SOURCE_ADDR_AUTODETECT]: flag.default(true),
  [VAR.SMPP_SOURCE_ADDR_TON]: z.coerce.number().int().min(0).max(6).default(5),
  [VAR.SMPP_SOURCE_ADDR_NPI]: z.coerce.number().int().min(0).max(18).default(1),
  [VAR.SMPP_RECEIPT_TEXT_FALLBACK]: flag.default(false),
  // SMPP_SYSTEM_TYPE (sent verbatim in the bind; a typo in a flag is refused) and MAX_PARTS.
  ...preparationVariables,
  ...antiLoopVariables,
  [VAR.MESSAGES_TABLE]: z.string().min(1),
  [VAR.INBOUND_TABLE]: z.string().min(1),
  [VAR.URGENT_QUEUE_URL]: z.url(),
  [VAR.BULK_QUEUE_URL]: z.url(),
  [VAR.URGENT_DLQ_URL]: z.url(),
  [VAR.BULK_DLQ_URL]: z.url(),
  // Parsed by accountQueuesOf (core/config/account-queues.ts): the other accounts' queue pairs.
  [VAR.ACCOUNT_QUEUES]: z.string().min(1).optional(),
  [VAR.SQS_WAIT_SECONDS]: z.coerce.number().int().min(0).max(20).default(DEFAULT_SQS_WAIT_SECONDS),
  [VAR.HEALTH_PORT]: z.coerce.number().int().min(0).max(65_535).default(8080),
  [VAR.HEALTH_HOST]: z.string().min(1).default('0.0.0.0'),
  [VAR.DRAIN_SECONDS]: seconds(MAX_DRAIN_SECONDS, 'ECS gives a task 120 s to stop').default(20),
  // Renewed every sixth of it: below 1 s the renewals (each a DynamoDB write, 50 ms apart at least)
  // come too few to keep a lease through one slow answer.
  [VAR.LEASE_TTL_SECONDS]: seconds().min(1, 'must be at least 1 s (renewed every sixth of it)').default(30),
  [VAR.LEASE_RETRY_SECONDS]: seconds().default(5),
  [VAR.RECONCILE_SECONDS]: z.coerce
    .number()
    .min(0)
    .max(MAX_INTERVAL_SECONDS, `must be at most ${MAX_INTERVAL_SECONDS} seconds (a day; 0 turns it off)`)
    // Below a millisecond it would round to 0 ms, which means off.
    .refine((seconds) => seconds === 0 || seconds >= 0.001, 'must be 0 (off) or at least 0.001 seconds')
    .default(60),
  // An age, not a timer, capped like the intervals: one past a Date's range would fail every run.
  [VAR.RECONCILE_MIN_AGE_SECONDS]: z.coerce
    .number()
    .min(0)
    .max(MAX_INTERVAL_SECONDS, `must be at most ${MAX_INTERVAL_SECONDS} seconds (a day)`)
    .default(300),
  [VAR.RECONCILE_BATCH]: z.coerce.number().int().min(1).max(1_000).default(50),
  [VAR.AWS_REGION]: z.string().min(1),
  [VAR.AWS_ENDPOINT_URL_DYNAMODB]: endpointUrl,
  [VAR.AWS_ENDPOINT_URL_SQS]: endpointUrl,
  [VAR.AWS_ENDPOINT_URL_SECRETS_MANAGER]: endpointUrl,
  [VAR.LOG_LEVEL]: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  [VAR.METRICS_NAMESPACE]: z.string().min(1).optional(),
  [VAR.METRICS_SERVICE]: z.string().min(1).default('SmsSender'),
  [VAR.METRICS_INTERVAL_SECONDS]: seconds(3600, 'an hour').default(60),
});

/** Without SMPP_ACCOUNTS: SMPP_HOST is named with every other missing variable. */
const loginRequiredSchema = envSchema.extend({ [VAR.SMPP_HOST]: smscHost });
type Vars = z.output<typeof envSchema>;

function credentialsOf(vars: Vars): SmppCredentialsSource {
  const { SMPP_SECRET_ARN, SMPP_SYSTEM_ID, SMPP_PASSWORD } = VAR;
  if (vars.SMPP_SECRET_ARN !== undefined) {
    // The login's name may sit beside its secret (the accounts file always names it); the password
    // lives in one place only.
    if (vars.SMPP_PASSWORD !== undefined) {
      throw configError(SMPP_SECRET_ARN, `give either ${SMPP_SECRET_ARN} or ${SMPP_PASSWORD}, not both`);
    }
    return {
      kind: 'secret',
      secretArn: vars.SMPP_SECRET_ARN,
      ...(vars.SMPP_SYSTEM_ID === undefined ? {} : { systemId: vars.SMPP_SYSTEM_ID }),
    };
  }
  if (vars.SMPP_SYSTEM_ID === undefined) {
    throw configError(SMPP_SYSTEM_ID, `is required (or ${SMPP_SECRET_ARN})`);
  }
  if (vars.SMPP_PASSWORD === undefined)
    throw configError(SMPP_PASSWORD, `is required (or ${SMPP_SECRET_ARN})`);
  return { kind: 'inline', systemId: vars.SMPP_SYSTEM_ID, password: vars.SMPP_PASSWORD };
}

/**
 * One validated config from the environment and the block SMPP_CONFIG_FILE names, if any; throws
 * BindServiceConfigError naming the variables (and the block's file and line) at fault.
 */
export function loadConfig(env: Env): BindServiceConfig {
  const fromFile = accountsConfig.fromFile(env);
  if (fromFile) {
    // Each login of the file goes through the checks a login given by variables goes through.
    const accounts = fromFile.accounts.map((account, index) => {
      const vars = loadEnv(envSchema, fromFile.envOf(account), CONFIG_SOURCE);
      const queues = index === 0 ? queuesOf(vars) : fromFile.queuesOf(account.name);
      return { ...accountsConfig.policyOf(account), smpp: smppOf(vars), queues };
    });
    const [first, ...rest] = accounts;
    if (!first) throw configError(VAR.SMPP_ACCOUNTS, 'lists no account');
    return configOf(loadEnv(envSchema, fromFile.envOf(fromFile.accounts[0]), CONFIG_SOURCE), [
      first,
      ...rest,
    ]);
  }
  const block = withSmscBlock(env);
  try {
    const vars = loadEnv(loginRequiredSchema, block.env, CONFIG_SOURCE);
    const account: AccountConfig = {
      ...accountsConfig.defaultAccount(vars.SMPP_SYSTEM_TYPE),
      smpp: smppOf(vars),
      queues: queuesOf(vars),
    };
    return configOf(vars, [account]);
  } catch (error) {
    return block.explain(error);
  }
}

function smppOf(vars: Vars): SmppSettings {
  if (vars.SMPP_HOST === undefined) throw configError(VAR.SMPP_HOST, `is required (or ${VAR.SMPP_ACCOUNTS})`);
  const { flags } = vars.SMPP_SYSTEM_TYPE;
  // Without MCON a second bind with the same login ends the first one (SPEC §2).
  if (vars.SMPP_BINDS > (flags.mcon ?? 1)) {
    throw configError(
      VAR.SMPP_BINDS,
      `${vars.SMPP_BINDS} binds need ${VAR.SMPP_SYSTEM_TYPE} to carry MCONn with n >= ${vars.SMPP_BINDS}`,
    );
  }
  const smppPort = vars.SMPP_PORT ?? (vars.SMPP_TLS ? DEFAULT_TLS_PORT : DEFAULT_PORT);
  const hosts: SmppHost[] = [{ host: vars.SMPP_HOST, port: smppPort }];
  if (vars.SMPP_BACKUP_HOST) hosts.push({ host: vars.SMPP_BACKUP_HOST, port: smppPort });
  return {
    hosts,
    credentials: credentialsOf(vars),
    systemType: vars.SMPP_SYSTEM_TYPE.value,
    flags,
    tls: tlsConfigOf(vars),
    throughput: vars.SMPP_THROUGHPUT,
    windowSize: vars.SMPP_WINDOW,
    binds: vars.SMPP_BINDS,
    enquireLinkIntervalMs: Math.round(vars.SMPP_ENQUIRE_LINK_SECONDS * 1000),
    loginRecheckMs: Math.round(vars.SMPP_LOGIN_RECHECK_SECONDS * 1000),
    responseTimeoutMs: Math.round(vars.SMPP_RESPONSE_TIMEOUT_SECONDS * 1000),
    messageIdBase: vars.SMPP_MESSAGE_ID_BASE,
    partsWindowMs: Math.round(vars.SMPP_PARTS_WINDOW_SECONDS * 1000),
    ...(vars.SMPP_DEFAULT_SENDER ? { defaultSender: vars.SMPP_DEFAULT_SENDER } : {}),
    sourceAddress: {
      autodetect: vars.SMPP_SOURCE_ADDR_AUTODETECT,
      ton: vars.SMPP_SOURCE_ADDR_TON,
      npi: vars.SMPP_SOURCE_ADDR_NPI,
    },
    receiptTextFallback: vars.SMPP_RECEIPT_TEXT_FALLBACK,
  };
}

/** The default account's queue pair (URGENT_QUEUE_URL & co.), four queues of their own. */
function queuesOf(vars: Vars): AccountQueues {
  const clash = firstQueueClash(vars);
  if (clash) throw configError(clash.variables, `the same queue (${clash.why})`);
  return {
    urgent: { url: vars.URGENT_QUEUE_URL, dlqUrl: vars.URGENT_DLQ_URL },
    bulk: { url: vars.BULK_QUEUE_URL, dlqUrl: vars.BULK_DLQ_URL },
  };
}

const QUEUE_VARIABLES = [
  { variable: VAR.URGENT_QUEUE_URL, dlq: false },
  { variable: VAR.BULK_QUEUE_URL, dlq: false },
  { variable: VAR.URGENT_DLQ_URL, dlq: true },
  { variable: VAR.BULK_DLQ_URL, dlq: true },
] as const;

/** Two of the four variables naming one queue, with what would go wrong; undefined when none do. */
function firstQueueClash(vars: Vars): { variables: [string, string]; why: string } | undefined {
  const seen: (typeof QUEUE_VARIABLES)[number][] = [];
  for (const each of QUEUE_VARIABLES) {
    const earlier = seen.find(({ variable }) => sameQueue(vars[variable]) === sameQueue(vars[each.variable]));
    if (earlier) {
      const why = clashWhy(earlier.dlq, each.dlq);
      return { variables: [each.variable, earlier.variable], why };
    }
    seen.push(each);
  }
  return undefined;
}

function clashWhy(firstIsDlq: boolean, secondIsDlq: boolean): string {
  if (firstIsDlq !== secondIsDlq) return 'a dead-lettered message would come back to be read again';
  return secondIsDlq
    ? 'each lane dead-letters to a queue of its own, as in every ACCOUNT_QUEUES pair'
    : 'both lanes would drain one queue';
}

/** The settings every account shares; `vars` are the default account's. */
function configOf(vars: Vars, accounts: BindServiceConfig['accounts']): BindServiceConfig {
  return {
    accounts,
    tables: { messages: vars.MESSAGES_TABLE, inbound: vars.INBOUND_TABLE },
    receiveWaitSeconds: vars.SQS_WAIT_SECONDS,
    prepare: prepareOptionsOf(vars),
    antiLoop: antiLoopSettingsOf(vars),
    health: { host: vars.HEALTH_HOST, port: vars.HEALTH_PORT },
    drainMs: Math.round(vars.DRAIN_SECONDS * 1000),
    lease: {
      ttlMs: Math.round(vars.LEASE_TTL_SECONDS * 1000),
      retryMs: Math.round(vars.LEASE_RETRY_SECONDS * 1000),
    },
    reconcile: {
      intervalMs: Math.round(vars.RECONCILE_SECONDS * 1000),
      minAgeMs: Math.round(vars.RECONCILE_MIN_AGE_SECONDS * 1000),
      batch: vars.RECONCILE_BATCH,
    },
    aws: {
      region: vars.AWS_REGION,
      endpoints: endpointsOf({
        dynamodb: vars.AWS_ENDPOINT_URL_DYNAMODB,
        sqs: vars.AWS_ENDPOINT_URL_SQS,
        secretsManager: vars.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      }),
    },
    logLevel: vars.LOG_LEVEL,
    ...(vars.METRICS_NAMESPACE
      ? {
          metrics: {
            namespace: vars.METRICS_NAMESPACE,
            service: vars.METRICS_SERVICE,
            intervalMs: Math.round(vars.METRICS_INTERVAL_SECONDS * 1000),
          },
        }
      : {}),
  };
}

/** The config as it may be logged: no password (the secret ARN is not a secret). */
export function describeConfig(config: BindServiceConfig): Record<string, unknown> {
  return { ...config, accounts: config.accounts.map(describeAccount) };
}

function describeAccount(account: AccountConfig): Record<string, unknown> {
  const { credentials, ...smpp } = account.smpp;
  // Not under `credentials`: the logger drops that whole field as a secret, and with it which login
  // (or which secret) the task uses.
  const login =
    credentials.kind === 'inline'
      ? { systemId: credentials.systemId, password: '***' }
      : {
          ...(credentials.systemId ? { systemId: credentials.systemId } : {}),
          secretArn: credentials.secretArn,
        };
  return { ...account, smpp: { ...smpp, login } };
}
