import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, SmscApiError } from '#client/index.ts';
import { useApiHarness } from '#test/helpers/api/api-harness.ts';
import { startLossyHttpProxy } from './lossy-http-proxy.ts';

// Answers whose status and headers arrived but whose body did not (connection reset, or slower than
// timeoutMs), and bodies that are not what a 2xx promises. The send took effect at the API, so the
// client must retry it with its key like any lost answer; whatever fails is an SmscApiError, as
// client/README.md promises for every failure. The API runs on DynamoDB Local and fauxqs.

describe('the typed client and the body of an answer', () => {
  const harness = useApiHarness();
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  const proxyFor = async (target: string, loseAnswers: number, cut: 'reset-mid-body' | 'stall-mid-body') => {
    const proxy = await startLossyHttpProxy({
      target,
      loseAnswers,
      matches: (method) => method === 'POST',
      cut,
    });
    closers.push(() => proxy.close());
    return proxy;
  };

  it('when the connection resets after the 202 headers, then the send is retried with its key and the message exists once', async () => {
    // Prepare
    const api = await harness.start();
    const proxy = await proxyFor(api.url, 1, 'reset-mid-body');
    const client = createClient({ endpoint: proxy.url, backoff: { baseMs: 10, capMs: 50 } });
    // Act
    const sent = await client.send({ to: '+79995559001', text: 'Cut body', clientRef: 'cut-reset' });
    // Assess
    const keys = proxy.forwarded.map((request) => request.idempotencyKey);
    expect(keys).toEqual([sent.idempotencyKey, sent.idempotencyKey]);
    expect(sent.replayed).toBe(true);
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(records.filter((record) => record.clientRef === 'cut-reset')).toHaveLength(1);
  });

  it('when the body stalls past timeoutMs, then the send is retried with its key', async () => {
    // Prepare
    const api = await harness.start();
    const proxy = await proxyFor(api.url, 1, 'stall-mid-body');
    const client = createClient({
      endpoint: proxy.url,
      timeoutMs: 1_000,
      backoff: { baseMs: 10, capMs: 50 },
    });
    // Act
    const sent = await client.send({ to: '+79995559002', text: 'Stalled body', clientRef: 'cut-stall' });
    // Assess
    const keys = proxy.forwarded.map((request) => request.idempotencyKey);
    expect(keys).toEqual([sent.idempotencyKey, sent.idempotencyKey]);
    expect(sent.replayed).toBe(true);
  });

  it('when every answer is cut mid-body, then the failure is a network_error SmscApiError after the retries', async () => {
    // Prepare
    const api = await harness.start();
    const proxy = await proxyFor(api.url, 2, 'reset-mid-body');
    const client = createClient({ endpoint: proxy.url, retries: 1, backoff: { baseMs: 10, capMs: 50 } });
    // Act
    const error = await client.send({ to: '+79995559003', text: 'Never whole' }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(SmscApiError);
    expect(error).toMatchObject({ attempts: 2, problem: { status: 0, code: 'network_error' } });
    expect((error as SmscApiError).problem.detail).toMatch(
      /^POST \/v1\/messages got a cut answer \(HTTP 202, body incomplete\)/,
    );
  });

  it('when a 200 answer is not JSON, then the failure is an unexpected_response SmscApiError keeping the status', async () => {
    // Prepare: something that is not the API at the endpoint (a captive portal, a web server).
    const server: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to the Wi-Fi</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const client = createClient({ endpoint: `http://127.0.0.1:${port}`, retries: 0 });
    // Act
    const error = await client.get('01M89PNMZR2HR54Q7H2NGA9838').catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(SmscApiError);
    expect(error).toMatchObject({ problem: { status: 200, code: 'unexpected_response' } });
    expect((error as SmscApiError).problem.detail).toContain('<html>Sign in to the Wi-Fi</html>');
  });
});
