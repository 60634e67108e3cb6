// TLS to the SMSC as the provider runs it (port 3443; its Kannel example adds a client certificate,
// `ssl-client-certkey-file`): a CA bundle, a client certificate and key, a server name to verify
// against. Locally they are PEM files; in AWS the certificate and key come from Secrets Manager.
// The server's certificate is always verified: there is no setting that turns verification off.
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';
import { configError } from '#bind-service/config-error.ts';
import type { TlsSettings } from '#bind-service/smpp/index.ts';
import { flag } from '#core/config/shared-variables.ts';
import { VAR } from '#core/config/variables.ts';
import type { AccountTls } from '#core/domain/accounts/account.ts';
import { parseSecretJson } from './login/secret-json.ts';

/** The TLS settings of a login, whether from SMPP_TLS* or an SMPP_ACCOUNTS entry. */
export type TlsConfig = AccountTls;

/** The TLS part of the bind-service's environment schema. */
export const tlsVariables = {
  [VAR.SMPP_TLS]: flag.default(false),
  [VAR.SMPP_TLS_CA]: z.string().min(1).optional(),
  [VAR.SMPP_TLS_CERT]: z.string().min(1).optional(),
  [VAR.SMPP_TLS_KEY]: z.string().min(1).optional(),
  [VAR.SMPP_TLS_SECRET_ARN]: z.string().min(1).optional(),
  [VAR.SMPP_TLS_SERVERNAME]: z.string().min(1).optional(),
};

interface TlsVars {
  SMPP_TLS: boolean;
  SMPP_TLS_CA?: string | undefined;
  SMPP_TLS_CERT?: string | undefined;
  SMPP_TLS_KEY?: string | undefined;
  SMPP_TLS_SECRET_ARN?: string | undefined;
  SMPP_TLS_SERVERNAME?: string | undefined;
}

const problem = configError;

export function tlsConfigOf(vars: TlsVars): TlsConfig {
  const given = (
    ['SMPP_TLS_CA', 'SMPP_TLS_CERT', 'SMPP_TLS_KEY', 'SMPP_TLS_SECRET_ARN', 'SMPP_TLS_SERVERNAME'] as const
  ).filter((name) => vars[name] !== undefined);
  if (!vars.SMPP_TLS) {
    if (given[0]) throw problem(given[0], 'is only used with SMPP_TLS=true');
    return { enabled: false };
  }
  if ((vars.SMPP_TLS_CERT === undefined) !== (vars.SMPP_TLS_KEY === undefined)) {
    throw problem(
      vars.SMPP_TLS_CERT ? 'SMPP_TLS_KEY' : 'SMPP_TLS_CERT',
      'SMPP_TLS_CERT and SMPP_TLS_KEY go together',
    );
  }
  if (vars.SMPP_TLS_SECRET_ARN && vars.SMPP_TLS_CERT) {
    throw problem(
      'SMPP_TLS_SECRET_ARN',
      'give either SMPP_TLS_SECRET_ARN or SMPP_TLS_CERT/SMPP_TLS_KEY, not both',
    );
  }
  return {
    enabled: true,
    ...(vars.SMPP_TLS_CA ? { caPath: vars.SMPP_TLS_CA } : {}),
    ...(vars.SMPP_TLS_CERT ? { certPath: vars.SMPP_TLS_CERT } : {}),
    ...(vars.SMPP_TLS_KEY ? { keyPath: vars.SMPP_TLS_KEY } : {}),
    ...(vars.SMPP_TLS_SECRET_ARN ? { secretArn: vars.SMPP_TLS_SECRET_ARN } : {}),
    ...(vars.SMPP_TLS_SERVERNAME ? { servername: vars.SMPP_TLS_SERVERNAME } : {}),
  };
}

const PEM = z.string().includes('-----BEGIN ');
const secretSchema = z.object({ cert: PEM, key: PEM, ca: PEM.optional() });

/** The engine's TLS settings with the key material read; undefined without TLS. */
export async function resolveTls(
  tls: TlsConfig,
  readSecret: (secretArn: string) => Promise<string>,
): Promise<TlsSettings | undefined> {
  if (!tls.enabled) return undefined;
  const settings: TlsSettings = { enabled: true, rejectUnauthorized: true };
  if (tls.servername) settings.servername = tls.servername;
  if (tls.caPath) settings.ca = await readPem(tls.caPath, 'SMPP_TLS_CA');
  if (tls.certPath && tls.keyPath) {
    settings.cert = await readPem(tls.certPath, 'SMPP_TLS_CERT');
    settings.key = await readPem(tls.keyPath, 'SMPP_TLS_KEY');
  }
  if (tls.secretArn) {
    const secret = parseTlsSecret(await readSecret(tls.secretArn));
    settings.cert = secret.cert;
    settings.key = secret.key;
    // A CA in the secret adds to (not replaces) a CA file: both may be needed during a rotation.
    if (secret.ca) {
      settings.ca = Buffer.concat([
        settings.ca ? Buffer.from(settings.ca) : Buffer.alloc(0),
        Buffer.from(`\n${secret.ca}`),
      ]);
    }
  }
  checkKeyMaterial(settings, tls.secretArn !== undefined);
  return settings;
}

/**
 * Material node cannot load (not PEM, a key that is not the certificate's) fails the start here,
 * naming where it came from: at the bind it threw before any socket, and the session never retried.
 * The error names the setting and OpenSSL's reason, never the material.
 */
function checkKeyMaterial(settings: TlsSettings, fromSecret: boolean): void {
  const parts: [variable: string, options: Parameters<typeof createSecureContext>[0]][] = [];
  if (settings.ca) parts.push([fromSecret ? 'SMPP_TLS_SECRET_ARN' : 'SMPP_TLS_CA', { ca: settings.ca }]);
  if (settings.cert && settings.key) {
    const variable = fromSecret ? 'SMPP_TLS_SECRET_ARN' : 'SMPP_TLS_KEY';
    parts.push([variable, { cert: settings.cert, key: settings.key }]);
  }
  for (const [variable, options] of parts) {
    try {
      createSecureContext(options);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw problem(variable, `the TLS material cannot be used: ${code ?? message}`);
    }
  }
}

/** The error names the fields at fault, never their content. */
export function parseTlsSecret(secretString: string): z.output<typeof secretSchema> {
  return parseSecretJson(secretString, secretSchema, 'SMPP_TLS_SECRET_ARN', {
    expected: '{"cert": PEM, "key": PEM, "ca"?: PEM}',
    lacks: 'a PEM',
  });
}

async function readPem(path: string, variable: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw problem(variable, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
