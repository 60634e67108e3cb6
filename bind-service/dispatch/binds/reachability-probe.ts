// A standby answers /healthz 200, and ECS's deployment circuit breaker judges a new revision by that
// answer: a standby that never reached the SMSC would let a revision that cannot (wrong host, port
// or TLS material, egress blocked) replace the working task and leave the login without a session.
// So before a standby counts as healthy it shows that this task can reach the SMSC: a TCP connect
// (and the TLS handshake, verified with the sessions' own settings, when the login uses TLS) to the
// primary or the backup host, then the socket is closed at once. Never a bind: without MCON a bind
// ends the session the running task holds. Retried every `intervalMs` until one succeeds, then
// never again: a later SMSC outage is no reason to replace a standby (BindsDown tells of it).

import { connect as connectTcp, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { connect as connectTls } from 'node:tls';
import { type SmppHost, socketOptions, type TlsSettings } from '#bind-service/smpp/index.ts';
import type { Logger } from '#core/observability/logger.ts';

/** Between rounds of attempts while the SMSC cannot be reached. */
export const PROBE_INTERVAL_MS = 5_000;
/** One attempt (connect, and the handshake with TLS), like a bind's budget for the same part. */
export const PROBE_TIMEOUT_MS = 5_000;

export interface ReachabilityProbeOptions {
  /** The login's hosts, primary first (any one reached is enough). */
  hosts: readonly SmppHost[];
  /** The sessions' TLS settings: a probe verifies the SMSC's certificate exactly as a bind would. */
  tls?: TlsSettings | undefined;
  log: Logger;
  intervalMs?: number;
  timeoutMs?: number;
}

export class ReachabilityProbe {
  private phase: 'idle' | 'probing' | 'reached' | 'stopped' = 'idle';
  private readonly abort = new AbortController();
  /** Why the last round failed: `host:port: error` per host tried. */
  private failure: string | undefined;

  constructor(private readonly options: ReachabilityProbeOptions) {}

  /** This task has reached the SMSC: by a probe, or by a bind of one of its sessions. */
  get reached(): boolean {
    return this.phase === 'reached';
  }

  /** Why this task does not count as able to reach the SMSC yet; undefined once it has. */
  get problem(): string | undefined {
    if (this.phase === 'reached') return undefined;
    const targets = this.options.hosts.map(hostPort).join(' or ');
    if (this.failure) return `the SMSC cannot be reached from this task: ${this.failure}`;
    return `the SMSC has not been reached from this task yet (${targets})`;
  }

  /** Starts probing, once; nothing when already reached or probing. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'probing';
    void this.run();
  }

  /** A session bound: nothing left to show (a probe under way is left to end on its own). */
  markReached(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'reached';
    this.failure = undefined;
    this.abort.abort();
  }

  stop(): void {
    if (this.phase !== 'reached') this.phase = 'stopped';
    this.abort.abort();
  }

  private async run(): Promise<void> {
    const { hosts, log, intervalMs = PROBE_INTERVAL_MS } = this.options;
    let warned = false;
    while (this.phase === 'probing') {
      const errors: string[] = [];
      for (const target of hosts) {
        if (this.phase !== 'probing') return;
        const error = await this.attempt(target);
        if (this.phase !== 'probing') return;
        if (error === undefined) {
          this.phase = 'reached';
          this.failure = undefined;
          log.info('the SMSC can be reached from this task (connected without binding)', {
            host: target.host,
            port: target.port,
            tls: this.options.tls?.enabled === true,
          });
          return;
        }
        errors.push(`${hostPort(target)}: ${error}`);
      }
      this.failure = errors.join('; ');
      if (!warned) {
        // Once per streak: the health entry carries the latest error meanwhile.
        warned = true;
        log.warn('the SMSC cannot be reached from this task: it reports unavailable, not standby; retrying', {
          problem: this.failure,
          retryInMs: intervalMs,
        });
      }
      await delay(intervalMs, undefined, { signal: this.abort.signal, ref: false }).catch(() => undefined);
    }
  }

  /** One connect (and handshake); the error's text, or undefined when it succeeded. */
  private attempt(target: SmppHost): Promise<string | undefined> {
    const { tls, timeoutMs = PROBE_TIMEOUT_MS } = this.options;
    return new Promise((resolve) => {
      let socket: Socket;
      try {
        // The sessions' own options: the same CA, client certificate and server name, verified alike.
        const options = socketOptions(target, tls);
        socket = options.tls ? connectTls(options) : connectTcp(options);
      } catch (error) {
        resolve(describe(error));
        return;
      }
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // Closed at once: nothing is said on it, and the SMSC should not wait for a bind.
        socket.destroy();
        resolve(error === undefined ? undefined : describe(error));
      };
      const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      socket.once(tls?.enabled ? 'secureConnect' : 'connect', () => settle());
      // Kept for the socket's life: an error after the settle must not go unhandled.
      socket.on('error', (error) => settle(error));
      socket.once('close', () => settle(new Error('connection closed before it was established')));
    });
  }
}

const hostPort = (target: SmppHost): string => `${target.host}:${target.port}`;

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
