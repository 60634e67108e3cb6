import dns from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postCallback } from '#core/callbacks/callback.ts';
import { verifySignature } from '#core/callbacks/signature.ts';
import { createTestPki, SERVER_NAME } from '#test/helpers/net/pki.ts';

// The callbacks' HTTP client connects to the addresses the sender checked, never resolving the
// name again (core/callbacks/pinned-post.ts), while the request still names the host: the Host
// header, TLS SNI and the certificate check. Receivers on 127.0.0.1 (and ::1 where the machine has
// it); the system resolver is replaced by one that fails the test if it is asked at all.

const SECRET = 'test-secret-not-real';
const LOOPBACK4 = { address: '127.0.0.1', family: 4 } as const;

interface Seen {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('postCallback to a host name pinned to checked addresses (loopback HTTP and TLS)', () => {
  const seen: Seen[] = [];
  const sniNames: string[] = [];
  let server: Server;
  let tlsServer: TlsServer;
  let port: number;
  let tlsPort: number;
  const systemLookup = vi.fn();

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        seen.push({ method: request.method, path: request.url, headers: request.headers, body });
        if (request.url === '/moved') response.writeHead(302, { location: '/hook' }).end();
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const pki = await createTestPki();
    tlsServer = createTlsServer({
      ...pki.server,
      SNICallback: (name, done) => {
        sniNames.push(name);
        done(null);
      },
    });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
    // Replaced once the servers listen (listen asks it too, for 127.0.0.1).
    vi.spyOn(dns, 'lookup').mockImplementation((hostname: string) => {
      systemLookup(hostname);
      throw new Error(`the system resolver was asked for ${hostname}`);
    });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    server.closeAllConnections();
    tlsServer.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => server.close(() => resolve())),
      new Promise<void>((resolve) => tlsServer.close(() => resolve())),
    ]);
  });

  it('when the name was checked to resolve to 127.0.0.1, then the post goes there with the name as Host and a valid signature, and the name is not resolved again', async () => {
    // Prepare
    const before = seen.length;
    // Act
    const status = await postCallback({
      url: `http://hooks.pinned.test:${port}/hook`,
      body: '{"id":"1"}',
      secret: SECRET,
      addresses: [LOOPBACK4],
      timeoutMs: 2_000,
    });
    // Assess
    expect(status).toBe(204);
    const [request] = seen.slice(before);
    expect(request).toMatchObject({ method: 'POST', path: '/hook', body: '{"id":"1"}' });
    expect(request?.headers.host).toBe(`hooks.pinned.test:${port}`);
    expect(request?.headers['content-type']).toBe('application/json');
    const headers = {
      signature: String(request?.headers['x-signature']),
      timestamp: String(request?.headers['x-signature-timestamp']),
    };
    expect(verifySignature(SECRET, headers, request?.body ?? '')).toBe(true);
    expect(systemLookup).not.toHaveBeenCalled();
  });

  it('when the name resolved to several addresses and the first refuses, then the next checked one is tried', async () => {
    // Prepare: nothing listens on this port of ::1 (refused, or no IPv6 on this machine).
    const before = seen.length;
    // Act
    const status = await postCallback({
      url: `http://hooks.pinned.test:${port}/hook`,
      body: '{}',
      secret: SECRET,
      addresses: [{ address: '::1', family: 6 }, LOOPBACK4],
      timeoutMs: 2_000,
    });
    // Assess
    expect(status).toBe(204);
    expect(seen.slice(before)).toHaveLength(1);
    expect(systemLookup).not.toHaveBeenCalled();
  });

  it('when the receiver answers 302, then the redirect is not followed and the answer is a CallbackError with the status', async () => {
    // Prepare
    const before = seen.length;
    // Act
    const attempt = postCallback({
      url: `http://hooks.pinned.test:${port}/moved`,
      body: '{}',
      secret: SECRET,
      addresses: [LOOPBACK4],
      timeoutMs: 2_000,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'CallbackError', status: 302 });
    expect(seen.slice(before).map((request) => request.path)).toEqual(['/moved']);
  });

  it('when the target is https, then TLS names the host (SNI) and its certificate is verified, though the connection goes to the checked address', async () => {
    // Prepare: the receiver's certificate is for the name, from a CA nobody trusts.
    const before = sniNames.length;
    // Act
    const attempt = postCallback({
      url: `https://${SERVER_NAME}:${tlsPort}/hook`,
      body: '{}',
      secret: SECRET,
      addresses: [LOOPBACK4],
      timeoutMs: 2_000,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'CallbackError',
      message: 'callback could not connect',
      cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    });
    expect(sniNames.slice(before)).toEqual([SERVER_NAME]);
    expect(systemLookup).not.toHaveBeenCalled();
  });
});
