// The SMPP login from Secrets Manager (through core/aws/secrets.ts): read once at start, parsed
// strictly, never logged or quoted.
import { z } from 'zod';
import { SecretNotTextError, type SecretReader } from '#core/aws/secrets.ts';
import {
  SMPP_LOGIN_TEXT,
  SMPP_LOGIN_TEXT_RULE,
  SMPP_SYSTEM_ID_MAX_CHARS,
} from '#core/domain/provider/smpp-limits.ts';
import { configError, type SmppCredentialsSource } from '../config.ts';
import { parseSecretJson } from './secret-json.ts';

export interface SmppLogin {
  systemId: string;
  password: string;
}

const loginText = z.string().min(1).regex(SMPP_LOGIN_TEXT, SMPP_LOGIN_TEXT_RULE);
const systemIdText = loginText.max(SMPP_SYSTEM_ID_MAX_CHARS);
const secretSchema = z.object({ systemId: systemIdText, password: loginText });
const passwordSecretSchema = z.object({ systemId: systemIdText.optional(), password: loginText });

/**
 * The secret's JSON: `{ systemId, password }`, or `{ password }` when `systemId` names the login
 * elsewhere (the accounts file, SMPP_SYSTEM_ID); a systemId in the secret must then be that one.
 * The errors never quote the secret's content.
 */
export function parseSmppSecret(secretString: string, systemId?: string): SmppLogin {
  if (systemId === undefined) {
    const secret = parseSecretJson(secretString, secretSchema, 'SMPP_SECRET_ARN', {
      expected: '{"systemId": "...", "password": "..."}',
      lacks: 'a non-empty',
    });
    return { systemId: secret.systemId, password: secret.password };
  }
  const secret = parseSecretJson(secretString, passwordSecretSchema, 'SMPP_SECRET_ARN', {
    expected: '{"password": "..."}',
    lacks: 'a non-empty',
  });
  // A secret copied from another login would send this account's messages under that one.
  if (secret.systemId !== undefined && secret.systemId !== systemId) {
    throw configError(
      'SMPP_SECRET_ARN',
      `the secret’s systemId is not "${systemId}", the login it is given for; fix the secret or remove its systemId`,
    );
  }
  return { systemId, password: secret.password };
}

/** The login to bind with: inline, or read from Secrets Manager once at start. */
export async function resolveLogin(
  source: SmppCredentialsSource,
  readSecret: SecretReader,
): Promise<SmppLogin> {
  if (source.kind === 'inline') return { systemId: source.systemId, password: source.password };
  const secret = await readSecret(source.secretArn).catch((error: unknown) => {
    // A setting the operator must fix: say so in the bind-service's own terms.
    if (error instanceof SecretNotTextError)
      throw configError('SMPP_SECRET_ARN', 'the secret has no string value');
    throw error;
  });
  return parseSmppSecret(secret, source.systemId);
}
