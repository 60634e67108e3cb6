// GET /healthz for the container's health check and for people: 200 while at least one bind is up,
// the task stands by (other tasks hold every login slot, and it has reached the SMSC) or its login
// was refused (it waits for the secret to change; a new task would only try the refused password
// again), 503 otherwise, with the same body either way (slots, binds, lane lag, rate and counters).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportedState } from '#bind-service/smpp/index.ts';
import type { ConnectProblem } from '../dispatch/binds/connect-watch.ts';
import type { PipelineFigures } from '../dispatch/flow/stages.ts';

interface BindHealth {
  host: string;
  state: ReportedState;
  inFlight: number;
  /** A TLS failure streak (the certificate does not verify, or the handshake is refused), a refused login. */
  problem?: ConnectProblem;
}

/** What /healthz says about one account (login). */
export interface AccountHealth {
  name: string;
  /**
   * standby: the login's slots are all assigned to other tasks and this task has reached the SMSC
   * (a TCP connect, and the TLS handshake with TLS, to its host or backup host, without binding;
   * or a bind). Until then such a task is `unavailable`, with `problem` saying why. refused: the
   * SMSC refused the login and every session waits for the secret to change (answered 200: a new
   * task would bind again with the refused password, the retry storm that can lock the account;
   * `BindsDown` is the signal).
   */
  status: 'ok' | 'unavailable' | 'standby' | 'refused';
  /** Slots of the login this task holds, of its `binds` in the whole deployment. */
  slots: { held: number; binds: number };
  binds: BindHealth[];
  /** A standby that has not reached the SMSC from this task yet: the host:port tried and the error. */
  problem?: string;
  /** Age in ms of the oldest message each lane is working on (0 when idle). */
  lag: { urgent: number; bulk: number };
  /** The limiter's current rate (msg/s), below the configured cap after throttling. */
  rate: number;
  /**
   * Where the messages held are: `claiming` near `claimAheadLimit` with nothing `awaitingToken`
   * means the message table, not the login's rate, sets the pace. Absent while not taking messages.
   */
  pipeline?: PipelineFigures;
  throttled: number;
  /** Messages that went through whole; `submitAnswers`: SUBMIT_SM_RESPs of any status (Submitted). */
  submitted: number;
  submitAnswers: number;
  unknown: number;
  failed: number;
  rejected: number;
}

/** The whole task: the accounts' figures combined, then each account's own. */
export interface HealthReport extends Omit<AccountHealth, 'name' | 'binds' | 'problem'> {
  /** `account` is named when the task serves several. */
  binds: (BindHealth & { account?: string })[];
  accounts: AccountHealth[];
}

export interface HealthServer {
  /** Base URL, e.g. http://127.0.0.1:8080 (the check is at `${url}/healthz`). */
  url: string;
  close(): Promise<void>;
}

export interface HealthServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  report: () => HealthReport;
}

export function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/healthz') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      response.end('{"error":"method not allowed"}');
      return;
    }
    const report = options.report();
    const body = JSON.stringify(report);
    response.writeHead(report.status === 'unavailable' ? 503 : 200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  // A health check must never keep the process alive on its own, nor hold keep-alive sockets at
  // stop.
  server.keepAliveTimeout = 1_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
