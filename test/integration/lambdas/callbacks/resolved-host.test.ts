import dns from 'node:dns';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callbackSender } from '#core/callbacks/callback-sender.ts';
import type { CallbackOutcome } from '#core/domain/messages/message-model.ts';
import { handleCallbackJobs } from '#lambdas/callbacks/handle-jobs.ts';
import { callbackWorkerLogger } from '#lambdas/callbacks/ports.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { callbackJob, statusEvent } from '#test/unit/lambdas/callbacks/jobs.ts';

// docs/events.md, "Answers and retries": a URL the worker may not call (loopback or link-local in
// AWS) is not sent (`outcome: refused`), and a host name that resolves to one is caught by the
// worker. Its check looked at IP literals and a fixed list of names only: a name resolving to
// 127.0.0.1 was called, and the signed event went to the worker's own machine. Then the check
// resolved the name and the post resolved it again: a name answering a public address to the
// check and 127.0.0.1 to the post (DNS rebinding) was called on this machine. And an answer
// written as IPv4-mapped IPv6 (`::ffff:127.0.0.1`) passed the check. The names resolve through a
// resolver the test gives; the system resolver, which the post used, is replaced by one answering
// 127.0.0.1 for every name (the rebound answer, and no real DNS). A loopback listener counts who
// connects.

const NAMES: Record<string, string[]> = {
  'hooks.rebound.test': ['203.0.113.7', '127.0.0.1'],
  'metadata.rebound.test': ['fe80::1'],
  'mapped.rebound.test': ['::ffff:127.0.0.1'],
};

/** The system resolver (dns.lookup, which net.connect asks) rebound: 127.0.0.1 for every name. */
const reboundLookup = ((_hostname: string, options: unknown, callback?: unknown) => {
  const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === 'object' && options !== null && 'all' in options && options.all;
  process.nextTick(() =>
    all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4),
  );
}) as typeof dns.lookup;

describe('callback worker: host names that resolve to this machine (loopback TCP)', () => {
  let server: Server;
  let port: number;
  const connections: Socket[] = [];

  beforeAll(async () => {
    vi.spyOn(dns, 'lookup').mockImplementation(reboundLookup);
    server = createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    vi.restoreAllMocks();
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
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['refused', 'refused', 'refused']);
    expect(response.batchItemFailures).toEqual([]);
  }, 10_000);

  it('when a host name answers a public address to the check and loopback afterwards (DNS rebinding), then the post goes to the address checked and nothing reaches this machine', async () => {
    // Prepare: the first answer passes the check without the test reaching off this machine: the
    // limited broadcast address is neither loopback nor link-local, and the kernel refuses a TCP
    // connect to it (ENETUNREACH) before anything is sent. Every later answer is 127.0.0.1.
    const asked: string[] = [];
    const before = connections.length;
    const send = callbackSender({
      secret: async () => 'test-secret-not-real',
      allowLoopback: false,
      timeoutMs: 1_000,
      resolveHost: async (hostname) => {
        asked.push(hostname);
        return asked.length === 1 ? ['255.255.255.255'] : ['127.0.0.1'];
      },
    });
    // Act
    const attempt = send(`https://rebinding.rebound.test:${port}/hook`, statusEvent());
    // Assess: not refused (the name was public when checked), not taken, and never on loopback.
    await expect(attempt).rejects.toMatchObject({ name: 'CallbackError', status: undefined });
    expect(connections.slice(before)).toHaveLength(0);
    expect(asked).toEqual(['rebinding.rebound.test']);
  }, 10_000);
});
