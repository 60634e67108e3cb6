// The settings of one SMPP bind, validated once at start so a bad value fails at boot with the
// field's name rather than as a mysterious disconnect hours later.
import { z } from 'zod';
import { SessionConfigError } from './errors.ts';

/** The provider drops a session idle for 2 minutes (SPEC §2); keep-alive must beat it. */
export const PROVIDER_IDLE_LIMIT_MS = 120_000;

/** How long an enquire_link may go unanswered before the link counts as dead, unless set. */
export const DEFAULT_ENQUIRE_LINK_TIMEOUT_MS = 10_000;

export interface SmppHost {
  host: string;
  port: number;
}

export interface TlsSettings {
  enabled: boolean;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Certificate verification; on unless explicitly turned off (never in production). */
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface ReconnectSettings {
  initialDelayMs?: number;
  maxDelayMs?: number;
  multiplier?: number;
  /** Fraction of the delay added or removed at random, so many binds do not retry in lockstep. */
  jitter?: number;
}

export interface SessionConfig {
  /** Primary first, then backup(s); each failed attempt moves to the next host. */
  hosts: SmppHost[];
  systemId: string;
  password: string;
  /** Sent verbatim in the bind, e.g. 'MCON2,ISO,SINGLE' (provider flags). */
  systemType?: string;
  interfaceVersion?: number;
  tls?: TlsSettings;
  /** Max unacknowledged SUBMIT_SM on this bind (provider example: 300). */
  windowSize?: number;
  /** A submit with no answer by then resolves 'unknown': it may or may not have been accepted. */
  responseTimeoutMs?: number;
  /** Budget for connect + TLS handshake + bind_transceiver_resp. */
  bindTimeoutMs?: number;
  /** Must stay below the provider's 120 s idle limit. */
  enquireLinkIntervalMs?: number;
  /** No enquire_link_resp within this → the link is dead: close and rebind. */
  enquireLinkTimeoutMs?: number;
  /** How long stop() waits for unbind_resp before closing anyway. */
  unbindTimeoutMs?: number;
  reconnect?: ReconnectSettings;
}

const printableAscii = /^[\x20-\x7e]*$/;
const asciiText = (what: string) =>
  z.string().regex(printableAscii, `${what} must be printable ASCII (the SMSC rejects other characters)`);
const positiveMs = z.number().int().positive();
const keyMaterial = z.union([z.string().min(1), z.instanceof(Buffer)]);

const hostSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
});

const tlsSchema = z
  .strictObject({
    enabled: z.boolean(),
    ca: keyMaterial.optional(),
    cert: keyMaterial.optional(),
    key: keyMaterial.optional(),
    rejectUnauthorized: z.boolean().default(true),
    servername: z.string().min(1).optional(),
  })
  .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), {
    message: 'cert and key must be given together',
    path: ['cert'],
  });

const reconnectSchema = z
  .strictObject({
    initialDelayMs: z.number().int().min(0).default(500),
    maxDelayMs: z.number().int().min(0).default(30_000),
    multiplier: z.number().min(1).default(2),
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .refine((r) => r.maxDelayMs >= r.initialDelayMs, {
    message: 'must be >= initialDelayMs',
    path: ['maxDelayMs'],
  });

const sessionSchema = z.strictObject({
  hosts: z.array(hostSchema).min(1, 'at least one host is required'),
  systemId: asciiText('systemId').min(1),
  password: asciiText('password').min(1),
  systemType: asciiText('systemType').default(''),
  interfaceVersion: z
    .number()
    .int()
    .refine((v) => v === 0x33 || v === 0x34 || v === 0x50, 'must be 0x33, 0x34 or 0x50')
    .default(0x34),
  tls: tlsSchema.optional(),
  windowSize: z.number().int().min(1).max(100_000).default(300),
  responseTimeoutMs: positiveMs.default(30_000),
  bindTimeoutMs: positiveMs.default(10_000),
  enquireLinkIntervalMs: positiveMs
    .max(PROVIDER_IDLE_LIMIT_MS - 1, `must be below the provider's ${PROVIDER_IDLE_LIMIT_MS} ms idle limit`)
    .default(60_000),
  enquireLinkTimeoutMs: positiveMs
    .max(PROVIDER_IDLE_LIMIT_MS - 1, `must be below the provider's ${PROVIDER_IDLE_LIMIT_MS} ms idle limit`)
    .default(DEFAULT_ENQUIRE_LINK_TIMEOUT_MS),
  unbindTimeoutMs: positiveMs.default(2_000),
  reconnect: reconnectSchema.default({ initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 }),
});

export type ResolvedSessionConfig = z.output<typeof sessionSchema>;
export type ResolvedReconnect = ResolvedSessionConfig['reconnect'];

/** Validates and fills defaults; throws SessionConfigError naming the first bad field. */
export function parseSessionConfig(input: unknown): ResolvedSessionConfig {
  const result = sessionSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) ?? [];
  const field = path.length > 0 ? path.join('.') : '(root)';
  throw new SessionConfigError(`invalid SMPP session config: ${field}: ${issue?.message ?? 'invalid'}`, path);
}

/** The config as it may be logged: credentials and key material masked. */
export function describeSessionConfig(config: ResolvedSessionConfig): Record<string, unknown> {
  return {
    ...config,
    password: '***',
    tls: config.tls && {
      ...config.tls,
      ca: config.tls.ca === undefined ? undefined : '(set)',
      cert: config.tls.cert === undefined ? undefined : '(set)',
      key: config.tls.key === undefined ? undefined : '***',
    },
  };
}
