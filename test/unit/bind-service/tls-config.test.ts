import { beforeAll, describe, expect, it } from 'vitest';
import { BindServiceConfigError, loadConfig } from '#bind-service/config.ts';
import { configWarnings } from '#bind-service/config-warnings.ts';
import { classifyConnectFailure } from '#bind-service/dispatch/binds/connect-watch.ts';
import { parseTlsSecret, resolveTls, tlsConfigOf } from '#bind-service/tls-config.ts';
import { createSelfSignedCert, type SelfSignedCert } from '#test/helpers/net/tls.ts';
import { RESOURCES_ENV } from './resources-env.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function refusal(act: () => unknown): BindServiceConfigError {
  try {
    act();
  } catch (error) {
    if (error instanceof BindServiceConfigError) return error;
    throw error;
  }
  throw new Error('expected a BindServiceConfigError');
}

describe('TLS settings', () => {
  it('when every TLS setting is given, then they are kept as paths, secret and server name', () => {
    // Act
    const tls = tlsConfigOf({
      SMPP_TLS: true,
      SMPP_TLS_CA: '/etc/smpp/ca.pem',
      SMPP_TLS_CERT: '/etc/smpp/client.pem',
      SMPP_TLS_KEY: '/etc/smpp/client.key',
      SMPP_TLS_SERVERNAME: 'smpp.smscentre.com',
    });
    // Assess
    expect(tls).toEqual({
      enabled: true,
      caPath: '/etc/smpp/ca.pem',
      certPath: '/etc/smpp/client.pem',
      keyPath: '/etc/smpp/client.key',
      servername: 'smpp.smscentre.com',
    });
  });

  it.each([
    ['a TLS setting without SMPP_TLS', { SMPP_TLS: false, SMPP_TLS_SERVERNAME: 'x' }, 'SMPP_TLS_SERVERNAME'],
    ['a certificate without its key', { SMPP_TLS: true, SMPP_TLS_CERT: '/c' }, 'SMPP_TLS_KEY'],
    [
      'both a secret and files',
      { SMPP_TLS: true, SMPP_TLS_CERT: '/c', SMPP_TLS_KEY: '/k', SMPP_TLS_SECRET_ARN: 'arn' },
      'SMPP_TLS_SECRET_ARN',
    ],
  ])('when the settings have %s, then the variable at fault is named', (_, vars, variable) => {
    // Act
    const error = refusal(() => tlsConfigOf(vars));
    // Assess
    expect(error.variables).toEqual([variable]);
  });

  it('when the TLS secret lacks its key, then the error names the field and never quotes the secret', () => {
    // Prepare
    const secret = JSON.stringify({ cert: PEM, key: 'not a pem, secret-ish' });
    // Act
    const error = refusal(() => parseTlsSecret(secret));
    // Assess
    expect(error.message).toContain('key');
    expect(error.message).not.toContain('secret-ish');
  });

  it.each([
    ['a bare PEM as a JSON string', JSON.stringify('-----BEGIN CERTIFICATE----- secret-ish')],
    ['an array', '[]'],
  ])('when the TLS secret holds %s, then the error gives the JSON object expected', (_what, secret) => {
    // Act
    const error = refusal(() => parseTlsSecret(secret));
    // Assess: zod reports these at an empty path: "the secret lacks a PEM " named no field.
    expect(error.message).toContain(
      'the secret is not a JSON object; expected {"cert": PEM, "key": PEM, "ca"?: PEM}',
    );
    expect(error.message).not.toContain('secret-ish');
  });

  it('when the TLS secret’s cert is not a string, then the error says so, not that it lacks one', () => {
    // Act
    const error = refusal(() => parseTlsSecret(JSON.stringify({ cert: 1, key: PEM })));
    // Assess
    expect(error.message).toContain("the secret's cert must be a string");
    expect(error.message).not.toContain('lacks');
  });

  describe('key material read at start', () => {
    let material: SelfSignedCert;
    beforeAll(async () => {
      material = await createSelfSignedCert();
    });

    it('when the secret carries a CA too, then it is added to the CA file, and verification stays on', async () => {
      // Prepare
      const { cert, key } = material;
      const secret = JSON.stringify({ cert, key, ca: cert });
      // Act
      const settings = await resolveTls({ enabled: true, secretArn: 'arn' }, async () => secret);
      // Assess
      expect(settings).toMatchObject({ enabled: true, rejectUnauthorized: true, cert, key });
      expect(String(settings?.ca)).toContain('BEGIN CERTIFICATE');
    });

    // Node could not load such material when the session made its socket: the bind attempt threw
    // before any retry was scheduled, and the session stayed 'connecting' for ever.
    it.each([
      [
        'a key that is not PEM',
        (m: SelfSignedCert) => ({ cert: m.cert, key: PEM.replace('CERTIFICATE', 'PRIVATE KEY') }),
      ],
      ['a certificate that is not its key’s', (m: SelfSignedCert) => ({ cert: PEM, key: m.key })],
    ])(
      'when the secret holds %s, then the start is refused naming the secret, not quoting it',
      async (_, secretOf) => {
        // Act
        const error = await resolveTls({ enabled: true, secretArn: 'arn' }, async () =>
          JSON.stringify(secretOf(material)),
        ).catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(BindServiceConfigError);
        expect((error as BindServiceConfigError).variables).toEqual(['SMPP_TLS_SECRET_ARN']);
        expect((error as Error).message).toContain('the TLS material cannot be used');
        expect((error as Error).message).not.toContain('MIIB');
      },
    );
  });
});

describe('classifyConnectFailure', () => {
  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls-unverified'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls-unverified'],
    ['CERT_HAS_EXPIRED', 'tls-unverified'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tls-handshake'],
    ['ECONNREFUSED', undefined],
    [undefined, undefined],
  ])('when the connect failed with %s, then it is %s', (code, kind) => {
    // Act / Assess
    expect(classifyConnectFailure(code)).toBe(kind);
  });
});

describe('the provider’s port and the TLS setting at start', () => {
  // smscentre.com takes SMPP in clear on 3700 and over TLS on 3443: a clear bind to 3443 sends
  // system_id and password unencrypted. A warning only: the provider may move its ports.

  function warningsFor(env: Record<string, string>): string[] {
    const login = { SMPP_SYSTEM_ID: 'acme', SMPP_PASSWORD: 'fake-pw' };
    return configWarnings(loadConfig({ ...RESOURCES_ENV, ...login, ...env }));
  }

  it('when an smscentre.com host is given the TLS port without SMPP_TLS, then the start warns the bind would go in clear', () => {
    // Act
    const warnings = warningsFor({ SMPP_HOST: 'smpp.smscentre.com', SMPP_PORT: '3443' });
    // Assess
    expect(warnings).toEqual([
      expect.stringContaining("SMPP_PORT 3443 is smscentre.com's TLS port, but SMPP_TLS is off"),
    ]);
  });

  it('when an smscentre.com host is given the clear port with SMPP_TLS, then the start warns', () => {
    // Act
    const warnings = warningsFor({ SMPP_HOST: 'smpp.smscentre.com', SMPP_PORT: '3700', SMPP_TLS: 'true' });
    // Assess
    expect(warnings).toEqual([expect.stringContaining('SMPP_TLS is on')]);
  });

  it.each([
    ['TLS on 3443', { SMPP_HOST: 'smpp.smscentre.com', SMPP_PORT: '3443', SMPP_TLS: 'true' }],
    ['the defaults with TLS', { SMPP_HOST: 'smpp.smscentre.com', SMPP_TLS: 'true' }],
    ['the defaults without TLS', { SMPP_HOST: 'smpp.smscentre.com' }],
    ['another provider on 3443 without TLS', { SMPP_HOST: 'smsc.test', SMPP_PORT: '3443' }],
  ])('when the host is given %s, then nothing is warned', (_what, env) => {
    // Act / Assess
    expect(warningsFor(env)).toEqual([]);
  });
});
