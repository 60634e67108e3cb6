// The standalone simulator's settings from environment variables, validated once at start so a
// typo fails loudly instead of running with a surprising default.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SimulatorAccount, SimulatorOptions } from './types.ts';

const int = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const EnvSchema = z.object({
  SIM_PORT: z.coerce.number().int().min(0).max(65_535).default(2775),
  SIM_HOST: z.string().min(1).default('127.0.0.1'),
  SIM_ACCOUNTS: z.string().min(1).default('test:test'),
  SIM_RATE: int(30),
  SIM_WINDOW: int(300),
  SIM_IDLE_TIMEOUT_MS: int(120_000),
  SIM_RECEIPT_DELAY_MS: int(100),
  SIM_DUPLICATE_WINDOW_MS: int(60_000),
  SIM_FLOOD_LIMIT: int(50),
  SIM_RECORD: z.enum(['true', 'false']).default('true'),
  SIM_LOG_MESSAGES: z.enum(['true', 'false']).default('true'),
  SIM_TLS_KEY: z.string().min(1).optional(),
  SIM_TLS_CERT: z.string().min(1).optional(),
  SIM_TLS_CA: z.string().min(1).optional(),
  SIM_TLS_REQUIRE_CLIENT_CERT: z.enum(['true', 'false']).default('false'),
});

export interface StandaloneConfig {
  port: number;
  /** One JSON line per accepted message (numbers masked); off for load runs. */
  logMessages: boolean;
  options: SimulatorOptions;
}

/** `id:password[:rate]`, comma-separated; a password may not contain ':' or ','. */
export function parseAccounts(spec: string, defaultRate: number): SimulatorAccount[] {
  return spec.split(',').map((entry, index) => {
    const [systemId, password, rate, ...rest] = entry.trim().split(':');
    if (!systemId || password === undefined || rest.length > 0) {
      throw new Error(`SIM_ACCOUNTS: expected id:password[:rate] in ${entryName(entry, index)}`);
    }
    const parsedRate = rate === undefined ? defaultRate : Number(rate);
    if (!Number.isInteger(parsedRate) || parsedRate < 0) {
      throw new Error(`SIM_ACCOUNTS: rate of ${systemId} must be a whole number >= 0`);
    }
    return { systemId, password, rate: parsedRate };
  });
}

/**
 * An entry as an error may name it: its position, and its system id when it has one. Never the
 * entry itself: a password holding ':' or ',' is what makes an entry unreadable, and the error is
 * printed (main.ts). Text without a ':' is no system id: it may be a password's tail after a ','.
 */
function entryName(entry: string, index: number): string {
  const colon = entry.indexOf(':');
  const systemId = colon > 0 ? entry.slice(0, colon).trim() : '';
  return `entry ${index + 1}${systemId ? ` (system id "${systemId}")` : ''}`;
}

/**
 * The variables that hold a value: `SIM_RATE=` in a compose file means unset, as in the
 * bind-service's settings, not 0 (a rate and a window of 0 for every account). The simulator keeps
 * its own copy of that rule: it may not import the product's config.
 */
function givenSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => (entry[1] ?? '').trim() !== ''),
  );
}

export function readStandaloneConfig(env: NodeJS.ProcessEnv): StandaloneConfig {
  const parsed = EnvSchema.safeParse(givenSettings(env));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid simulator environment: ${issues.join('; ')}`);
  }
  const e = parsed.data;
  if (Boolean(e.SIM_TLS_KEY) !== Boolean(e.SIM_TLS_CERT)) {
    throw new Error('SIM_TLS_KEY and SIM_TLS_CERT go together');
  }
  const options: SimulatorOptions = {
    accounts: parseAccounts(e.SIM_ACCOUNTS, e.SIM_RATE),
    host: e.SIM_HOST,
    windowSize: e.SIM_WINDOW,
    idleTimeoutMs: e.SIM_IDLE_TIMEOUT_MS,
    receiptDelayMs: e.SIM_RECEIPT_DELAY_MS,
    duplicateWindowMs: e.SIM_DUPLICATE_WINDOW_MS,
    floodLimit: e.SIM_FLOOD_LIMIT,
    record: e.SIM_RECORD === 'true',
  };
  if (e.SIM_TLS_KEY && e.SIM_TLS_CERT) {
    options.tls = {
      key: readFileSync(e.SIM_TLS_KEY),
      cert: readFileSync(e.SIM_TLS_CERT),
      ...(e.SIM_TLS_CA ? { ca: readFileSync(e.SIM_TLS_CA) } : {}),
      requireClientCert: e.SIM_TLS_REQUIRE_CLIENT_CERT === 'true',
    };
  }
  return { port: e.SIM_PORT, logMessages: e.SIM_LOG_MESSAGES === 'true', options };
}
