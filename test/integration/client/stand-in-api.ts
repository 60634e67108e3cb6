import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach } from 'vitest';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';

// A loopback HTTP server standing for the API, or for what may answer at its endpoint instead (a
// proxy, a load balancer's redirect): each request is read whole and answered by the test's handler.
// Closed after each test.

export interface StandInRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StandInAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export const ACCEPTED_ID = '01M89PNMZR2HR54Q7H2NGA9838';

/** The API's 202 to a send. */
export const accepted202 = (): StandInAnswer =>
  json(202, { id: ACCEPTED_ID, status: 'accepted', encoding: 'gsm7', parts: 1 });

export function json(status: number, body: unknown): StandInAnswer {
  return {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
    body: JSON.stringify(body),
  };
}

/**
 * `serve(handler, host)`: its base URL. `host` another loopback address than 127.0.0.1 stands for
 * another host (another origin to fetch).
 */
export function useStandInApi(): (
  handler: (request: StandInRequest) => StandInAnswer,
  host?: string,
) => Promise<string> {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  return async (handler, host = '127.0.0.1') => {
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const answer = handler({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
        });
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.body);
      });
    });
    servers.push(server);
    if (host === '127.0.0.1') return listenOnLoopback(server);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('the server has no TCP address');
    return `http://${host}:${address.port}`;
  };
}
