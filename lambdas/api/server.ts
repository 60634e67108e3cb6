import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApiApp } from './app.ts';
import type { ApiDeps } from './deps.ts';

// The same app on a Node HTTP server, for `npm start` and tests: no home-made imitation of API
// Gateway, just a different adapter in front of the same routes.

export interface StartApiServerOptions {
  /** 0 lets the OS pick a free port. */
  port: number;
  /** Loopback by default: the local stack has no authentication. */
  host?: string;
  deps: ApiDeps;
}

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startApiServer({
  port,
  host = '127.0.0.1',
  deps,
}: StartApiServerOptions): Promise<ApiServer> {
  const app = createApiApp(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Keep-alive connections would hold close() open until they time out.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
