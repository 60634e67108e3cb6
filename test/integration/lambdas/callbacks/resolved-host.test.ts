import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackSender } from '#core/callbacks/callback-sender.ts';
import type { CallbackOutcome } from '#core/domain/messages/message-model.ts';
import { handleCallbackJobs } from '#lambdas/callbacks/handle-jobs.ts';
import { callbackWorkerLogger } from '#lambdas/callbacks/ports.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { callbackJob } from '#test/unit/lambdas/callbacks/jobs.ts';

// docs/events.md, "Answers and retries": a URL the worker may not call (loopback or link-local in
// AWS) is not sent (`outcome: refused`), and a host name that resolves to one is caught by the
// worker. Its check looked at IP literals and a fixed list of names only: a name resolving to
// 127.0.0.1 was called, and the signed event went to the worker's own machine. The names resolve
// through a resolver the test gives (a loopback listener counts who connects).

const NAMES: Record<string, string[]> = {
  'hooks.rebound.test': ['203.0.113.7', '127.0.0.1'],
  'metadata.rebound.test': ['fe80::1'],
};

describe('callback worker: host names that resolve to this machine (loopback TCP)', () => {
  let server: Server;
  let port: number;
  const connections: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when a callback URL names a host that resolves to loopback or link-local (not allowed, as in AWS), then nothing is sent, the job is not retried and the outcome is refused', async () => {
    // Prepare
    const outcomes: CallbackOutcome[] = [];
    const { write } = captureLogs();
    const ports = {
      sendCallback: callbackSender({
        secret: async () => 'test-secret-not-real',
        allowLoopback: false,
        timeoutMs: 1_000,
        resolveHost: async (hostname: string) => NAMES[hostname] ?? [],
      }),
      recordOutcome: async (_id: string, outcome: CallbackOutcome) => {
        outcomes.push(outcome);
      },
      delayRetry: async () => undefined,
      maxAttempts: 8,
      log: callbackWorkerLogger(write),
    };
    const jobs = Object.keys(NAMES).map((name) => callbackJob({ url: `https://${name}:${port}/hook` }));
    // Act
    const response = await handleCallbackJobs(jobs, ports);
    // Assess
    expect(connections).toHaveLength(0);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['refused', 'refused']);
    expect(response.batchItemFailures).toEqual([]);
  }, 10_000);
});
