import { z } from 'zod';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import { type AntiLoopSettings, antiLoopEnv, antiLoopSettings } from '#core/domain/provider/anti-loop.ts';

// The API's settings, read once at cold start. A bad or missing variable stops the function (or the
// local server) at boot with the variable's name, rather than failing the first request.

/** Concatenated SMS carry a one-byte part count, so 255 is the hard ceiling. */
const MAX_PARTS_CEILING = 255;

const envSchema = z.object({
  MESSAGES_TABLE: z.string().min(1),
  URGENT_QUEUE_URL: z.url(),
  BULK_QUEUE_URL: z.url(),
  // The bind's system_type, e.g. "MCON2,ISO,SINGLE". Only ISO matters here, but the API must plan
  // encodings and parts exactly as the bind-service will send them, so it reads the same setting.
  SMPP_SYSTEM_TYPE: z.string().default(''),
  MAX_PARTS: z.coerce.number().int().min(1).max(MAX_PARTS_CEILING).default(10),
  AWS_REGION: z.string().min(1),
  ...antiLoopEnv,
  // Local mode only (DynamoDB Local, fauxqs); in AWS the SDK finds the regional endpoints.
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
});

export interface ApiConfig {
  messagesTable: string;
  queueUrls: { urgent: string; bulk: string };
  prepare: PrepareOptions;
  /** The provider's anti-loop rules, applied before a message is stored (core/domain/anti-loop.ts). */
  antiLoop: AntiLoopSettings;
  region: string;
  endpoints: { dynamodb?: string; sqs?: string };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Provider flags in system_type are comma-separated and case-insensitive ("mcon2,iso"). */
export function systemTypeHasIso(systemType: string): boolean {
  return systemType.split(',').some((flag) => flag.trim().toUpperCase() === 'ISO');
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): ApiConfig {
  // Empty strings count as unset: `FOO=` in a .env file or a CDK default means "not given".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(given);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid API configuration: ${problems.join('; ')}`);
  }
  const vars = result.data;
  return {
    messagesTable: vars.MESSAGES_TABLE,
    queueUrls: { urgent: vars.URGENT_QUEUE_URL, bulk: vars.BULK_QUEUE_URL },
    prepare: { isoMode: systemTypeHasIso(vars.SMPP_SYSTEM_TYPE), maxParts: vars.MAX_PARTS },
    antiLoop: antiLoopSettings(vars),
    region: vars.AWS_REGION,
    endpoints: {
      ...(vars.AWS_ENDPOINT_URL_DYNAMODB ? { dynamodb: vars.AWS_ENDPOINT_URL_DYNAMODB } : {}),
      ...(vars.AWS_ENDPOINT_URL_SQS ? { sqs: vars.AWS_ENDPOINT_URL_SQS } : {}),
    },
  };
}
