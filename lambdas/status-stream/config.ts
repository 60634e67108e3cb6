import { z } from 'zod';
import { ConfigError } from '#core/domain/errors.ts';

// The status consumer's settings, read once at cold start; a missing or bad variable fails the init
// phase with its name instead of failing every batch.

const envSchema = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  // Local mode gives the secret itself; in AWS it is read from Secrets Manager once per cold start.
  CALLBACK_SIGNING_SECRET: z.string().min(16).optional(),
  CALLBACK_SIGNING_SECRET_ARN: z.string().min(1).optional(),
  // Only the local stack sets this: there the callback receivers are on the same machine.
  ALLOW_LOOPBACK_CALLBACKS: z.enum(['true', 'false']).default('false'),
  CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  AWS_REGION: z.string().min(1),
  AWS_ENDPOINT_URL_EVENTBRIDGE: z.url().optional(),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
});

export type SigningSecretSource = { kind: 'inline'; secret: string } | { kind: 'secret'; secretArn: string };

export interface StatusStreamConfig {
  eventBusName: string;
  signingSecret: SigningSecretSource;
  allowLoopbackCallbacks: boolean;
  callbackTimeoutMs: number;
  region: string;
  endpoints: { eventBridge?: string; secretsManager?: string };
}

export class StatusStreamConfigError extends ConfigError {}

export function loadStatusStreamConfig(
  env: Readonly<Record<string, string | undefined>>,
): StatusStreamConfig {
  // Empty strings count as unset, as in the other components' configs.
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = envSchema.safeParse(given);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new StatusStreamConfigError(`Invalid status-stream configuration: ${problems.join('; ')}`);
  }
  const vars = result.data;
  const inline = vars.CALLBACK_SIGNING_SECRET;
  const arn = vars.CALLBACK_SIGNING_SECRET_ARN;
  if ((inline === undefined) === (arn === undefined)) {
    throw new StatusStreamConfigError(
      'Invalid status-stream configuration: give exactly one of CALLBACK_SIGNING_SECRET, CALLBACK_SIGNING_SECRET_ARN',
    );
  }
  return {
    eventBusName: vars.EVENT_BUS_NAME,
    signingSecret:
      inline !== undefined ? { kind: 'inline', secret: inline } : { kind: 'secret', secretArn: arn ?? '' },
    allowLoopbackCallbacks: vars.ALLOW_LOOPBACK_CALLBACKS === 'true',
    callbackTimeoutMs: vars.CALLBACK_TIMEOUT_MS,
    region: vars.AWS_REGION,
    endpoints: {
      ...(vars.AWS_ENDPOINT_URL_EVENTBRIDGE ? { eventBridge: vars.AWS_ENDPOINT_URL_EVENTBRIDGE } : {}),
      ...(vars.AWS_ENDPOINT_URL_SECRETS_MANAGER
        ? { secretsManager: vars.AWS_ENDPOINT_URL_SECRETS_MANAGER }
        : {}),
    },
  };
}
