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
const secretSchema = z.object({
  systemId: loginText.max(SMPP_SYSTEM_ID_MAX_CHARS),
  password: loginText,
});

/** The secret's JSON `{ systemId, password }`; the error never quotes the secret's content. */
export function parseSmppSecret(secretString: string): SmppLogin {
  const secret = parseSecretJson(secretString, secretSchema, 'SMPP_SECRET_ARN', {
    expected: '{"systemId": "...", "password": "..."}',
    lacks: 'a non-empty',
  });
  return { systemId: secret.systemId, password: secret.password };
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
  return parseSmppSecret(secret);
}
