import { beforeAll, describe, expect, it } from 'vitest';
import { BindServiceConfigError } from '#bind-service/config.ts';
import { classifyConnectFailure } from '#bind-service/dispatch/binds/connect-watch.ts';
import { parseTlsSecret, resolveTls, tlsConfigOf } from '#bind-service/tls-config.ts';
import { createSelfSignedCert, type SelfSignedCert } from '#test/helpers/net/tls.ts';

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
