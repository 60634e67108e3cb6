// What the engine needs before it can bind, read once at start: the login (inline, or a Secrets
// Manager secret) and the TLS material (PEM files, or a secret). Either one missing or unreadable
// stops the start with the variable's name, before any AWS client or socket is opened.
import { DEFAULT_ENQUIRE_LINK_TIMEOUT_MS, type SessionConfig } from '#bind-service/smpp/index.ts';
import { type SecretReader, secretsManagerReader } from '#core/aws/secrets.ts';
import type { AccountConfig } from '../account/account-config.ts';
import type { BindServiceConfig } from '../config.ts';
import { resolveTls } from '../tls-config.ts';
import { resolveLogin, type SmppLogin } from './secrets.ts';

export type SessionOverrides = Pick<SessionConfig, 'reconnect' | 'bindTimeoutMs' | 'unbindTimeoutMs'>;

export async function sessionSetup(
  { smpp }: AccountConfig,
  aws: BindServiceConfig['aws'],
  readSecret: SecretReader | undefined,
  overrides: Partial<SessionOverrides> = {},
): Promise<{ login: SmppLogin; session: SessionConfig; reloadLogin: () => Promise<SmppLogin> }> {
  const { region, endpoints } = aws;
  const read =
    readSecret ??
    secretsManagerReader({
      region,
      ...(endpoints.secretsManager ? { endpoint: endpoints.secretsManager } : {}),
    });
  const login = await resolveLogin(smpp.credentials, read);
  const tls = await resolveTls(smpp.tls, read);
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
