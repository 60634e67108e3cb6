import type { Server } from 'node:http';
import { afterEach, vi } from 'vitest';

// The CLI's AWS settings pointed at a stand-in on 127.0.0.1 (AWS_ENDPOINT_URL_<SERVICE>, which the
// SDK honours; the CLI inherits process.env): fake keys, no shared files, the stand-in's server
// closed and the environment restored after each test.

/** Registers the cleanup; `use` points the CLI at a stand-in's `url` and closes `server` after. */
export function useAwsStandIn(): (standIn: { url: string; server: Server }, region: string) => void {
  const servers: Server[] = [];
  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  return ({ url, server }, region) => {
    servers.push(server);
    vi.stubEnv('AWS_REGION', region);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'FAKEACCESSKEYID00001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret-access-key');
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', url);
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', url);
  };
}
