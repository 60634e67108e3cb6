// The SMPP login from Secrets Manager: read once at start, parsed strictly, never logged or quoted.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { type BindServiceConfig, configError, type SmppCredentialsSource } from './config.ts';

export interface SmppLogin {
  systemId: string;
  password: string;
}

const secretSchema = z.object({ systemId: z.string().min(1), password: z.string().min(1) });

/** Reads a secret's string value; the default uses Secrets Manager. Injectable for tests. */
export type SecretReader = (secretArn: string) => Promise<string>;

export function secretsManagerReader(config: BindServiceConfig): SecretReader {
  return async (secretArn) => {
    const endpoint = config.aws.endpoints.secretsManager;
    const client = new SecretsManagerClient({ region: config.aws.region, ...(endpoint ? { endpoint } : {}) });
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (SecretString === undefined) throw configError('SMPP_SECRET_ARN', 'the secret has no string value');
      return SecretString;
    } finally {
      client.destroy();
    }
  };
}

/** The secret's JSON `{ systemId, password }`; the error never quotes the secret's content. */
export function parseSmppSecret(secretString: string): SmppLogin {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw configError(
      'SMPP_SECRET_ARN',
      'the secret is not JSON; expected {"systemId": "...", "password": "..."}',
    );
  }
  const result = secretSchema.safeParse(json);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw configError('SMPP_SECRET_ARN', `the secret lacks a non-empty ${fields}`);
  }
  return { systemId: result.data.systemId, password: result.data.password };
}

/** The login to bind with: inline, or read from Secrets Manager once at start. */
export async function resolveLogin(
  source: SmppCredentialsSource,
  readSecret: SecretReader,
): Promise<SmppLogin> {
  if (source.kind === 'inline') return { systemId: source.systemId, password: source.password };
  return parseSmppSecret(await readSecret(source.secretArn));
}
