// What the engine needs before it can bind, read once at start: the login (inline, or a Secrets
// Manager secret) and the TLS material (PEM files, or a secret). Either one missing or unreadable
// stops the start with the variable's name, before any AWS client or socket is opened.
import { DEFAULT_ENQUIRE_LINK_TIMEOUT_MS, type SessionConfig } from '#bind-service/smpp/index.ts';
import { type SecretReader, secretsManagerReader } from '#core/aws/secrets.ts';
import type { AccountConfig } from '../account/account-config.ts';
import type { BindServiceConfig } from '../config.ts';
import { BindServiceConfigError, configError } from '../config-error.ts';
import { resolveTls } from '../tls-config.ts';
import { resolveLogin, type SmppLogin } from './secrets.ts';

export type SessionOverrides = Pick<SessionConfig, 'reconnect' | 'bindTimeoutMs' | 'unbindTimeoutMs'>;

export async function sessionSetup(
  account: AccountConfig,
  aws: BindServiceConfig['aws'],
  readSecret: SecretReader | undefined,
  overrides: Partial<SessionOverrides> = {},
): Promise<{ login: SmppLogin; session: SessionConfig; reloadLogin: () => Promise<SmppLogin> }> {
  const { smpp } = account;
  const { region, endpoints } = aws;
  const read =
    readSecret ??
    secretsManagerReader({
      region,
      ...(endpoints.secretsManager ? { endpoint: endpoints.secretsManager } : {}),
    });
  const loginArn = smpp.credentials.kind === 'secret' ? smpp.credentials.secretArn : undefined;
  const login = await naming(account, 'SMPP_SECRET_ARN', loginArn, () =>
    resolveLogin(smpp.credentials, read),
  );
  const tls = await naming(account, 'SMPP_TLS_SECRET_ARN', smpp.tls.secretArn, () =>
    resolveTls(smpp.tls, read),
  );
  const session: SessionConfig = {
    hosts: smpp.hosts,
    systemId: login.systemId,
    password: login.password,
    systemType: smpp.systemType,
    ...(tls ? { tls } : {}),
    windowSize: smpp.windowSize,
    responseTimeoutMs: smpp.responseTimeoutMs,
    enquireLinkIntervalMs: smpp.enquireLinkIntervalMs,
    // A keep-alive unanswered for longer than a submit's answer may take means a dead link; a
    // shorter response timeout makes the engine notice a half-dead link as soon.
    enquireLinkTimeoutMs: Math.min(smpp.responseTimeoutMs, DEFAULT_ENQUIRE_LINK_TIMEOUT_MS),
    ...overrides,
  };
  // Read again after a refused login, to bind as soon as the secret holds another password.
  return { login, session, reloadLogin: () => resolveLogin(smpp.credentials, read) };
}

/**
 * A secret the start cannot use, named by its account and ARN: with several accounts, each with
 * its own secret, the variable's name alone says neither. Not found, access denied or a bad value:
 * the operator's to fix, so a configuration error (the SDK's words are about the secret, not in it).
 */
async function naming<T>(
  account: AccountConfig,
  variable: string,
  secretArn: string | undefined,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (secretArn === undefined) throw error;
    const where = `account "${account.name}", secret ${secretArn}`;
    if (error instanceof BindServiceConfigError) {
      throw new BindServiceConfigError(`${error.message} (${where})`, error.variables, { cause: error });
    }
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw configError(variable, `the secret could not be read (${where}): ${reason}`);
  }
}
