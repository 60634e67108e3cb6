import { beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCert, type SelfSignedCert } from '#test/helpers/net/tls.ts';
import { engineFor, nextEvent, sms, startBound, startSimulator, useCleanup } from './fixtures.ts';

describe('engine over TLS', () => {
  const defer = useCleanup();
  let certificate: SelfSignedCert;

  beforeAll(async () => {
    certificate = await createSelfSignedCert();
  });

  it('when the server certificate is trusted through ca, then the engine binds with verification on', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { tls: certificate });
    const client = engineFor(defer, simulator.port, { tls: { enabled: true, ca: certificate.cert } });
    // Act
    await startBound(client);
    const outcome = await client.submit(sms(1));
    // Assess
    expect(client.config.tls?.rejectUnauthorized).toBe(true);
    expect(outcome.kind).toBe('accepted');
    expect(simulator.stats.binds).toBe(1);
  });

  it('when the server certificate is not trusted, then the connect fails on the certificate and is retried', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { tls: certificate });
    const client = engineFor(defer, simulator.port, { tls: { enabled: true } });
    const failed = nextEvent(client, 'connect-failed');
    const retried = nextEvent(client, 'connecting', 3_000, (event) => event.attempt === 2);
    // Act
    client.start();
    const failure = await failed;
    await retried;
    // Assess
    expect(failure.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    expect(client.config.tls?.rejectUnauthorized).toBe(true);
    expect(client.isBound).toBe(false);
    expect(client.state).toBe('connecting');
    expect(simulator.stats.binds).toBe(0);
    expect(simulator.stats.bindFailures).toBe(0);
  });

  it('when the client key material cannot be loaded, then the attempt fails as a connect failure and is retried, nothing unhandled', async () => {
    // Prepare: the socket cannot even be made (tls.connect throws): before, the attempt's promise was
    // rejected unhandled, no retry was scheduled and the session stayed 'connecting' for ever.
    const simulator = await startSimulator(defer, { tls: certificate });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    defer(() => {
      process.off('unhandledRejection', onUnhandled);
    });
    const client = engineFor(defer, simulator.port, {
      tls: { enabled: true, key: 'not a PEM key', cert: 'not a PEM certificate' },
    });
    const failed = nextEvent(client, 'connect-failed');
    const retried = nextEvent(client, 'connecting', 3_000, (event) => event.attempt === 2);
    // Act
    client.start().catch(() => undefined);
    const failure = await failed;
    await retried;
    // Assess
    expect(failure.message).not.toBe('');
    expect(unhandled).toEqual([]);
    expect(simulator.stats.binds).toBe(0);
  });
});
