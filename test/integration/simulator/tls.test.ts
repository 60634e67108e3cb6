import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '#test/helpers/simulator-client.ts';
import { SimulatorHarness } from '#test/helpers/simulator-harness.ts';

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

let dir = '';
let key: Buffer;
let cert: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsc-sim-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'));
  cert = readFileSync(join(dir, 'cert.pem'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
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
