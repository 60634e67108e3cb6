import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { boundedRequestHandler, type ClientLimits } from './clients.ts';
import { AwsAdapterError } from './errors.ts';

// The one Secrets Manager reader: the bind-service's SMPP login (read once at start) and the
// callback worker's signing secret (read once per execution environment) both come through it. Each caller parses and caches what it reads; errors name the secret, never its content.

/** A secret's string value by ARN or name. A port: tests and local mode give their own. */
export type SecretReader = (secretId: string) => Promise<string>;

export interface SecretsManagerReaderOptions {
  region: string;
  /** Local mode only; in AWS the SDK finds the regional endpoint. */
  endpoint?: string;
  /** Default SECRET_READ_LIMITS. */
  limits?: ClientLimits;
}

/**
 * The SDK has no request timeout of its own: a hung endpoint held the bind-service's start (and a
 * callback worker until its deadline) with no error to name. At most 3 × (2 + 5) s = 21 s.
 */
export const SECRET_READ_LIMITS: ClientLimits = {
  maxAttempts: 3,
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 5_000,
};

/** The secret exists but holds no text (a binary secret, or an empty value). */
export class SecretNotTextError extends AwsAdapterError {
  readonly code = 'secret_not_text';

  constructor(readonly secretId: string) {
    super(`secret ${secretId} has no string value`);
  }
}

export function secretsManagerReader(options: SecretsManagerReaderOptions): SecretReader {
  return async (secretId) => {
    // A client per read, closed after it: every caller reads once, so nothing keeps its sockets open.
    const limits = options.limits ?? SECRET_READ_LIMITS;
    const client = new SecretsManagerClient({
      region: options.region,
      maxAttempts: limits.maxAttempts,
      requestHandler: boundedRequestHandler(limits),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (!SecretString) throw new SecretNotTextError(secretId);
      return SecretString;
    } finally {
      client.destroy();
    }
  };
}
