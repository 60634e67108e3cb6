import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretsManagerReader } from '#core/aws/secrets.ts';
import { type BlackHole, startBlackHole } from '#test/helpers/net/black-hole.ts';

// The one Secrets Manager reader, against an endpoint that accepts the connection and never answers
// (a hung regional endpoint): the bind-service's start and the callback worker must get an error they
// can name, not wait for good. The SDK has no request timeout of its own.

describe('secretsManagerReader against a hung endpoint', () => {
  let hole: BlackHole;

  beforeAll(async () => {
    hole = await startBlackHole();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await hole.close();
  });

  it('when the endpoint never answers, then the read fails after its attempts instead of hanging', async () => {
    // Prepare
    const read = secretsManagerReader({
      region: 'eu-west-1',
      endpoint: hole.url,
      limits: { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 400 },
    });
    const startedAt = Date.now();
    // Act
    const outcome = await Promise.race([
      read('smpp-main').then(
        () => 'read',
        (error: unknown) => (error instanceof Error ? error.name : 'non-error'),
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 5_000)),
    ]);
    // Assess: before, the read was still waiting at 5 s (and would have waited for good)
    expect(outcome).toBe('TimeoutError');
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(hole.connections).toBe(2);
  });
});
