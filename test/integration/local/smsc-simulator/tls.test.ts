import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '#test/helpers/net/tls.ts';
import { connectClient } from '#test/helpers/smpp/simulator-client.ts';
import { SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

let key: string;
let cert: string;

beforeAll(async () => {
  ({ key, cert } = await createSelfSignedCert());
});

describe('simulator over TLS', () => {
  it('when tls is configured, then a client trusting the certificate binds and submits', async () => {
    // Prepare
    const simulator = await harness.start({ tls: { key, cert } });
    // Act
    const client = await harness.bind(simulator, {}, { tls: { ca: cert } });
    const response = await client.submit({
      destination_addr: '79990000001',
      short_message: Buffer.from('secure'),
    });
    // Assess
    expect(response.command_status).toBe(0);
    expect(simulator.submissions[0]?.text).toBe('secure');
  });

  it('when the client does not trust the certificate, then the connection fails', async () => {
    // Prepare
    const simulator = await harness.start({ tls: { key, cert } });
    // Act
    const attempt = connectClient(simulator.port, { tls: {} }).then(async (client) => {
      await client.close();
      return client;
    });
    // Assess
    await expect(attempt).rejects.toThrow();
    expect(simulator.boundSessions()).toEqual([]);
  });
});
