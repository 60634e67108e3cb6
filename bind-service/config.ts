// The bind-service's settings, read once from the environment and validated at boot: a bad value
// stops the task with the variable's name instead of surfacing as a strange disconnect hours later.
// Each field states its invariant; the SMPP engine validates its own part again (parseSessionConfig).
import { z } from 'zod';
import type { SmppHost, SourceAddressRules } from '#bind-service/smpp/index.ts';
import { PROVIDER_IDLE_LIMIT_MS } from '#bind-service/smpp/index.ts';
import type { Lane } from '#core/aws/resources/resource-definitions.ts';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import { type AntiLoopSettings, antiLoopEnv, antiLoopSettings } from '#core/domain/provider/anti-loop.ts';
import { isValidSenderId, SENDER_ID_RULE } from '#core/domain/requests/sender-id.ts';
import { BindServiceConfigError } from './config-error.ts';
import type { LogLevel } from './logger.ts';
import { type TlsConfig, tlsConfigOf } from './smpp/connection/tls-config.ts';

/** Where the SMPP login comes from: inline variables (local mode) or a Secrets Manager secret. */
export type SmppCredentialsSource =
  | { kind: 'inline'; systemId: string; password: string }
  /** A JSON secret `{ "systemId": "...", "password": "..." }`, read once at start, never logged. */
  | { kind: 'secret'; secretArn: string };

/** The provider's system_type flags (SPEC §2), comma-separated and case-insensitive. */
export interface SystemTypeFlags {
  /** MCONn: n simultaneous sessions for this login (1..9); absent = one session per login. */
  mcon?: number;
  /** data_coding 0 means ISO-8859-1 instead of GSM 7-bit. */
  iso: boolean;
  /** One receipt and one id per part instead of one per message. */
  single: boolean;
}

export interface BindServiceConfig {
  smpp: {
    /** Primary first, then the backup host on the same port. */
    hosts: SmppHost[];
    credentials: SmppCredentialsSource;
    /** Sent verbatim in the bind. */
    systemType: string;
    flags: SystemTypeFlags;
    /** Paths (local) or a secret (AWS) for the CA bundle and client certificate; verification is on. */
    tls: TlsConfig;
    /** The account's rate cap in msg/s (provider default 30); the limiter never exceeds it. */
    throughput: number;
    /** Unanswered SUBMIT_SM per bind (provider example 300; 1000-2000 advised for mass mailings). */
    windowSize: number;
    /** Sessions held at once; > 1 only with MCONn, n >= binds. */
    binds: number;
    /** < the provider's 120 s idle limit. */
    enquireLinkIntervalMs: number;
    /** A submit unanswered this long becomes `unknown` (never resent). */
    responseTimeoutMs: number;
    /** Every part of a long message goes out within this of the first, or is not sent at all. */
    partsWindowMs: number;
    /** source_addr for requests without `from`; absent = empty (the account's default sender). */
    defaultSender?: string;
    /** How a sender becomes source_addr/TON/NPI (Kannel's autodetect; the provider's 5 / 1). */
    sourceAddress: SourceAddressRules;
    /** For SMSCs that mark receipts neither in esm_class nor by TLVs: read the text. Default off. */
    receiptTextFallback: boolean;
  };
  tables: { messages: string; inbound: string };
  queues: Record<Lane, { url: string; dlqUrl: string }>;
  /** ReceiveMessage long-poll wait, 0..20 s (SQS's maximum). */
  receiveWaitSeconds: number;
  /** Must equal the API's (same SMPP_SYSTEM_TYPE and MAX_PARTS): the 202's parts are what is sent. */
  prepare: PrepareOptions;
  /** Applied to messages published straight to SQS (the API applied it to its own). */
  antiLoop: AntiLoopSettings;
  health: { host: string; port: number };
  /** How long a stop waits for in-flight submits to be answered; below ECS's stopTimeout. */
  drainMs: number;
  /** The login lease: held while bound, renewed every ttl/3; ttl far above clock skew. */
  lease: { ttlMs: number; retryMs: number };
  aws: { region: string; endpoints: { dynamodb?: string; sqs?: string; secretsManager?: string } };
  logLevel: LogLevel;
  /** CloudWatch EMF metric lines on stdout (docs/operations.md); absent = none (local mode). */
  metrics?: { namespace: string; service: string; intervalMs: number };
}

export { BindServiceConfigError };

const DEFAULT_PORT = 3700;
const DEFAULT_TLS_PORT = 3443;
const MAX_MCON = 9;
/** ECS allows a container at most 120 s between SIGTERM and SIGKILL; the drain must fit in it. */
const MAX_DRAIN_SECONDS = 110;

const flag = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
const seconds = z.coerce.number().positive();
const port = z.coerce.number().int().min(1).max(65_535);

const envSchema = z.object({
  SMPP_HOST: z.string().min(1),
  SMPP_PORT: port.optional(),
  SMPP_BACKUP_HOST: z.string().min(1).optional(),
  SMPP_SYSTEM_ID: z.string().min(1).optional(),
  SMPP_PASSWORD: z.string().min(1).optional(),
  SMPP_SECRET_ARN: z.string().min(1).optional(),
  SMPP_SYSTEM_TYPE: z.string().default(''),
  SMPP_TLS: flag.default(false),
  SMPP_TLS_CA: z.string().min(1).optional(),
  SMPP_TLS_CERT: z.string().min(1).optional(),
  SMPP_TLS_KEY: z.string().min(1).optional(),
  SMPP_TLS_SECRET_ARN: z.string().min(1).optional(),
  SMPP_TLS_SERVERNAME: z.string().min(1).optional(),
  SMPP_THROUGHPUT: z.coerce.number().positive().max(100_000).default(30),
  SMPP_WINDOW: z.coerce.number().int().min(1).max(100_000).default(300),
  SMPP_BINDS: z.coerce.number().int().min(1).max(MAX_MCON).default(1),
  SMPP_ENQUIRE_LINK_SECONDS: seconds
    .max(PROVIDER_IDLE_LIMIT_MS / 1000 - 1, 'must be below the provider’s 120 s idle limit')
    .default(30),
  SMPP_RESPONSE_TIMEOUT_SECONDS: seconds.max(120).default(30),
  // The provider's minute for all parts of a long message, less a margin for answers and clocks.
  SMPP_PARTS_WINDOW_SECONDS: seconds.max(60).default(55),
  // The request schema's sender rule (core/domain/sender-id.ts).
  SMPP_DEFAULT_SENDER: z.string().refine(isValidSenderId, SENDER_ID_RULE).optional(),
  // Kannel's source-addr-autodetect / -ton / -npi, with the provider's example values.
  SMPP_SOURCE_ADDR_AUTODETECT: flag.default(true),
  SMPP_SOURCE_ADDR_TON: z.coerce.number().int().min(0).max(6).default(5),
  SMPP_SOURCE_ADDR_NPI: z.coerce.number().int().min(0).max(18).default(1),
  SMPP_RECEIPT_TEXT_FALLBACK: flag.default(false),
  MESSAGES_TABLE: z.string().min(1),
  INBOUND_TABLE: z.string().min(1),
  URGENT_QUEUE_URL: z.url(),
  BULK_QUEUE_URL: z.url(),
  URGENT_DLQ_URL: z.url(),
  BULK_DLQ_URL: z.url(),
  SQS_WAIT_SECONDS: z.coerce.number().int().min(0).max(20).default(20),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
  MAX_PARTS: z.coerce.number().int().min(1).max(255).default(10),
  DRAIN_SECONDS: seconds.max(MAX_DRAIN_SECONDS).default(20),
  LEASE_TTL_SECONDS: seconds.default(30),
  LEASE_RETRY_SECONDS: seconds.default(5),
  AWS_REGION: z.string().min(1),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  METRICS_NAMESPACE: z.string().min(1).optional(),
  METRICS_SERVICE: z.string().min(1).default('SmsSender'),
  METRICS_INTERVAL_SECONDS: seconds.max(3600).default(60),
  ...antiLoopEnv,
});

type Env = z.output<typeof envSchema>;

/** Parses 'MCON2,ISO,SINGLE'; throws BindServiceConfigError on an unknown or repeated flag. */
export function parseSystemType(systemType: string): SystemTypeFlags {
  const flags: SystemTypeFlags = { iso: false, single: false };
  const seen = new Set<string>();
  for (const raw of systemType.split(',')) {
    const value = raw.trim().toUpperCase();
    if (value === '') continue;
    const mcon = /^MCON([1-9])$/.exec(value);
    const name = mcon ? 'MCON' : value;
    if (seen.has(name)) throw configError('SMPP_SYSTEM_TYPE', `flag ${name} is given twice`);
    seen.add(name);
    if (mcon) flags.mcon = Number(mcon[1]);
    else if (value === 'ISO') flags.iso = true;
    else if (value === 'SINGLE') flags.single = true;
    // A typo ("SINLGE") would silently change receipts or encodings: refuse it at boot.
    else throw configError('SMPP_SYSTEM_TYPE', `unknown flag "${raw.trim()}" (known: MCON1-9, ISO, SINGLE)`);
  }
  return flags;
}

export function configError(variable: string, problem: string): BindServiceConfigError {
  return new BindServiceConfigError(`Invalid bind-service configuration: ${variable}: ${problem}`, [
    variable,
  ]);
}

function credentialsOf(env: Env): SmppCredentialsSource {
  const inline = env.SMPP_SYSTEM_ID !== undefined || env.SMPP_PASSWORD !== undefined;
  if (env.SMPP_SECRET_ARN !== undefined) {
    if (inline) {
      throw configError(
        'SMPP_SECRET_ARN',
        'give either SMPP_SECRET_ARN or SMPP_SYSTEM_ID/SMPP_PASSWORD, not both',
      );
    }
    return { kind: 'secret', secretArn: env.SMPP_SECRET_ARN };
  }
  if (env.SMPP_SYSTEM_ID === undefined)
    throw configError('SMPP_SYSTEM_ID', 'is required (or SMPP_SECRET_ARN)');
  if (env.SMPP_PASSWORD === undefined) throw configError('SMPP_PASSWORD', 'is required (or SMPP_SECRET_ARN)');
  return { kind: 'inline', systemId: env.SMPP_SYSTEM_ID, password: env.SMPP_PASSWORD };
}

/** One validated config from the environment; throws BindServiceConfigError naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): BindServiceConfig {
  // Empty strings count as unset: `FOO=` in an .env file or a CDK default means "not given".
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = envSchema.safeParse(given);
  if (!result.success) {
    const variables = result.error.issues.map((issue) => String(issue.path[0] ?? '(env)'));
    const problems = result.error.issues.map((issue) => {
      const problem = /received undefined$/.test(issue.message) ? 'is required' : issue.message;
      return `${String(issue.path[0] ?? '(env)')}: ${problem}`;
    });
    throw new BindServiceConfigError(`Invalid bind-service configuration: ${problems.join('; ')}`, variables);
  }
  const vars = result.data;
  const flags = parseSystemType(vars.SMPP_SYSTEM_TYPE);
  // Without MCON a second bind with the same login ends the first one (SPEC §2).
  if (vars.SMPP_BINDS > (flags.mcon ?? 1)) {
    throw configError(
      'SMPP_BINDS',
      `${vars.SMPP_BINDS} binds need SMPP_SYSTEM_TYPE to carry MCONn with n >= ${vars.SMPP_BINDS}`,
    );
  }
  const smppPort = vars.SMPP_PORT ?? (vars.SMPP_TLS ? DEFAULT_TLS_PORT : DEFAULT_PORT);
  const hosts: SmppHost[] = [{ host: vars.SMPP_HOST, port: smppPort }];
  if (vars.SMPP_BACKUP_HOST) hosts.push({ host: vars.SMPP_BACKUP_HOST, port: smppPort });

  return {
    smpp: {
      hosts,
      credentials: credentialsOf(vars),
      systemType: vars.SMPP_SYSTEM_TYPE,
      flags,
      tls: tlsConfigOf(vars),
      throughput: vars.SMPP_THROUGHPUT,
      windowSize: vars.SMPP_WINDOW,
      binds: vars.SMPP_BINDS,
      enquireLinkIntervalMs: Math.round(vars.SMPP_ENQUIRE_LINK_SECONDS * 1000),
      responseTimeoutMs: Math.round(vars.SMPP_RESPONSE_TIMEOUT_SECONDS * 1000),
      partsWindowMs: Math.round(vars.SMPP_PARTS_WINDOW_SECONDS * 1000),
      ...(vars.SMPP_DEFAULT_SENDER ? { defaultSender: vars.SMPP_DEFAULT_SENDER } : {}),
      sourceAddress: {
        autodetect: vars.SMPP_SOURCE_ADDR_AUTODETECT,
        ton: vars.SMPP_SOURCE_ADDR_TON,
        npi: vars.SMPP_SOURCE_ADDR_NPI,
      },
      receiptTextFallback: vars.SMPP_RECEIPT_TEXT_FALLBACK,
    },
    tables: { messages: vars.MESSAGES_TABLE, inbound: vars.INBOUND_TABLE },
    queues: {
      urgent: { url: vars.URGENT_QUEUE_URL, dlqUrl: vars.URGENT_DLQ_URL },
      bulk: { url: vars.BULK_QUEUE_URL, dlqUrl: vars.BULK_DLQ_URL },
    },
    receiveWaitSeconds: vars.SQS_WAIT_SECONDS,
    prepare: { isoMode: flags.iso, maxParts: vars.MAX_PARTS },
    antiLoop: antiLoopSettings(vars),
    health: { host: vars.HEALTH_HOST, port: vars.HEALTH_PORT },
    drainMs: Math.round(vars.DRAIN_SECONDS * 1000),
    lease: {
      ttlMs: Math.round(vars.LEASE_TTL_SECONDS * 1000),
      retryMs: Math.round(vars.LEASE_RETRY_SECONDS * 1000),
    },
    aws: {
      region: vars.AWS_REGION,
      endpoints: {
        ...(vars.AWS_ENDPOINT_URL_DYNAMODB ? { dynamodb: vars.AWS_ENDPOINT_URL_DYNAMODB } : {}),
        ...(vars.AWS_ENDPOINT_URL_SQS ? { sqs: vars.AWS_ENDPOINT_URL_SQS } : {}),
        ...(vars.AWS_ENDPOINT_URL_SECRETS_MANAGER
          ? { secretsManager: vars.AWS_ENDPOINT_URL_SECRETS_MANAGER }
          : {}),
      },
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
  const { credentials } = config.smpp;
  return {
    ...config,
    smpp: {
      ...config.smpp,
      credentials:
        credentials.kind === 'inline'
          ? { kind: 'inline', systemId: credentials.systemId, password: '***' }
          : credentials,
    },
  };
}
