import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApiApp } from './app.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './http/request-log.ts';
import { openApiDocument } from './openapi/document.ts';

// The same app on a Node HTTP server, for `npm start` and tests: no home-made imitation of API
// Gateway, just a different adapter in front of the same routes.

export interface StartApiServerOptions {
  /** 0 lets the OS pick a free port. */
  port: number;
  /** Loopback by default: the local stack has no authentication. */
  host?: string;
  deps: ApiDeps;
  /** Routes only the local stack has (the CLI's event feed), added beside the API's own. */
  localRoutes?: (app: Hono<ApiEnv>) => void;
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
  localRoutes,
}: StartApiServerOptions): Promise<ApiServer> {
  const app = createApiApp(deps);
  // The API's description, served here only: API Gateway serves the API, not its document.
  let document: Record<string, unknown> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= openApiDocument();
    return c.json(document);
  });
  localRoutes?.(app);
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
