import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, SERVER_NAME, type TestPki } from '#test/helpers/net/pki.ts';
import { engineFor, nextEvent, sms, startBound, startSimulator, useCleanup } from '../fixtures.ts';

describe("engine over TLS with a client certificate (the provider's Kannel ssl-client-certkey-file)", () => {
  const defer = useCleanup();
  let pki: TestPki;

  beforeAll(async () => {
    pki = await createTestPki();
  });

  it('when the CA, client certificate and server name are set, then the engine binds with verification on', async () => {
    // Prepare
    const simulator = await startSimulator(defer, {
      tls: { ...pki.server, ca: pki.ca, requireClientCert: true },
    });
    const tls = { enabled: true, ca: pki.ca, ...pki.client, servername: SERVER_NAME };
    const client = engineFor(defer, simulator.port, { tls });
    // Act
    await startBound(client);
    const outcome = await client.submit(sms(1));
    // Assess
    expect(outcome.kind).toBe('accepted');
    expect(client.config.tls?.rejectUnauthorized).toBe(true);
  });

  it('when no client certificate is given, then the server refuses the handshake and nothing binds', async () => {
    // Prepare
    const simulator = await startSimulator(defer, {
      tls: { ...pki.server, ca: pki.ca, requireClientCert: true },
    });
    const client = engineFor(defer, simulator.port, {
      tls: { enabled: true, ca: pki.ca, servername: SERVER_NAME },
    });
    const failed = nextEvent(client, 'connect-failed');
    // Act
    client.start();
    const failure = await failed;
    // Assess
    expect(failure.code).toMatch(/^ERR_SSL_.*CERTIFICATE_REQUIRED$/);
    expect(simulator.stats.binds).toBe(0);
  });

  it('when the server name is not overridden, then the certificate for smsc.test does not verify for 127.0.0.1', async () => {
    // Prepare
    const simulator = await startSimulator(defer, {
      tls: { ...pki.server, ca: pki.ca, requireClientCert: true },
    });
    const client = engineFor(defer, simulator.port, { tls: { enabled: true, ca: pki.ca, ...pki.client } });
    const failed = nextEvent(client, 'connect-failed');
    // Act
    client.start();
    const failure = await failed;
    // Assess
    expect(failure.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(simulator.stats.binds).toBe(0);
  });
});
