// Getting a bind up: one attempt at a time, rotating over the hosts on each failure, with capped
// exponential back-off between attempts (reset once a bind has lasted). A refused password or
// system_id ends the attempts for good: retrying a wrong login only risks locking the account.

import { Backoff } from '#core/support/backoff.ts';
import type { ResolvedSessionConfig, SmppHost } from '../config.ts';
import { BindCredentialsError } from '../errors.ts';
import type { DisconnectReason, SessionEventEmitter } from '../events.ts';
import type { PDU } from '../pdu/smpp-package.ts';
import { commandStatusName, isCredentialsFailure, Status } from '../pdu/status.ts';
import { SmppConnection } from './connection.ts';

export interface ConnectorHooks {
  onPdu(connection: SmppConnection, pdu: PDU): void;
  onClose(connection: SmppConnection, reason: DisconnectReason, detail?: string): void;
  onBound(connection: SmppConnection): void;
  onCredentialsRefused(error: BindCredentialsError): void;
}

export interface ConnectorOptions {
  now: () => number;
  random?: () => number;
  /** Asked before each attempt (e.g. "do we hold the login's lease?"); false: back off, ask again. */
  permit?: () => Promise<boolean>;
}

/** More than this unanswered right after a bind is not its backlog: the SMSC resends what it lacks. */
const MAX_HELD_BEFORE_BOUND = 1000;

export class Connector {
  private readonly backoff: Backoff;
  private hostIndex = 0;
  private attempts = 0;
  private active = false;
  private timer: NodeJS.Timeout | undefined;
  private pending: SmppConnection | undefined;
  /** When the current bind came up (options.now); undefined while none is up. */
  private boundAt: number | undefined;

  constructor(
    private config: ResolvedSessionConfig,
    private readonly events: SessionEventEmitter,
    private readonly hooks: ConnectorHooks,
    private readonly options: ConnectorOptions,
  ) {
    // Capped, with jitter, reset once a bind has lasted (fiorix go-smpp resets on every bind): a
    // link that fails now and then is retried quickly, a dead one is not hammered, and many binds
    // do not retry in lockstep.
    const { initialDelayMs, maxDelayMs, multiplier, jitter } = config.reconnect;
    this.backoff = new Backoff(
      { baseMs: initialDelayMs, capMs: maxDelayMs, multiplier, jitter },
      options.random,
    );
  }

  /** The login's password changed (the SMSC refused the old one); used from the next attempt. */
  setPassword(password: string): void {
    this.config = { ...this.config, password };
  }

  /** First attempt right away, on the primary host. */
  start(): void {
    this.active = true;
    this.hostIndex = 0;
    void this.attempt();
  }

  /**
   * A working bind ended: start over from the primary host after the back-off delay. Only a bind
   * that lasted the longest delay resets it: one the SMSC ends at once (the login bound elsewhere
   * without MCON, an account blocked after its bind) was otherwise bound again at the initial delay
   * for ever, about twice a second, which is what gets a login blocked.
   */
  reconnect(): void {
    const lasted = this.boundAt === undefined ? 0 : this.options.now() - this.boundAt;
    if (lasted >= this.config.reconnect.maxDelayMs) this.backoff.reset();
    this.boundAt = undefined;
    this.active = true;
    this.hostIndex = 0;
    this.schedule();
  }

  /** No more attempts; a connection still in its bind is dropped. */
  cancel(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending?.destroy('stopping');
    this.pending = undefined;
  }

  private async attempt(): Promise<void> {
    if (!this.active) return;
    if (this.options.permit && !(await this.options.permit().catch(() => false))) {
      if (!this.active) return;
      this.events.emit('bind-not-permitted', { attempt: this.attempts + 1 });
      this.schedule();
      return;
    }
    if (!this.active) return;
    const hosts = this.config.hosts;
    const target = hosts[this.hostIndex % hosts.length]!;
    this.attempts += 1;
    this.events.emit('connecting', { host: target.host, port: target.port, attempt: this.attempts });
    // An SMSC sends what it held (receipts, incoming messages) as soon as it answers the bind, often
    // in the same segment: those DELIVER_SMs arrive before the answer's promise resolves, and the
    // session, not bound yet, dropped them unanswered. Kept until the bind is up, then passed on; a
    // bind that fails closes the connection, and the SMSC keeps them for the next one.
    let beforeBound: PDU[] | undefined = [];
    let connection: SmppConnection;
    try {
      connection = new SmppConnection(target, this.config.tls, {
        onPdu: (pdu) => {
          if (beforeBound === undefined) this.hooks.onPdu(connection, pdu);
          else if (pdu.command === 'deliver_sm' && beforeBound.length < MAX_HELD_BEFORE_BOUND)
            beforeBound.push(pdu);
        },
        onClose: (reason, detail) => this.hooks.onClose(connection, reason, detail),
        onUnreadable: (pdu) => this.events.emit('unreadable-pdu', pdu),
      });
    } catch (error) {
      // The socket could not even be made (e.g. TLS key material node cannot load): thrown here,
      // it left the attempt's promise rejected unhandled, no retry scheduled, the session
      // 'connecting' for ever. A failed attempt like any other.
      this.attemptFailed(target, error);
      return;
    }
    this.pending = connection;
    const startedAt = this.options.now();
    try {
      await connection.connected(this.config.bindTimeoutMs);
      const remaining = Math.max(1, this.config.bindTimeoutMs - (this.options.now() - startedAt));
      const answer = await connection.request('bind_transceiver', this.bindFields(), remaining);
      this.pending = undefined;
      if (!this.active) {
        connection.destroy('stopping');
      } else if (answer.command_status !== Status.ESME_ROK || answer.command === 'generic_nack') {
        this.refused(connection, target, answer.command_status || Status.ESME_RBINDFAIL);
      } else {
        this.active = false;
        this.attempts = 0;
        this.boundAt = this.options.now();
        const held = beforeBound;
        beforeBound = undefined;
        this.hooks.onBound(connection);
        for (const pdu of held) this.hooks.onPdu(connection, pdu);
      }
    } catch (error) {
      this.pending = undefined;
      connection.destroy('socket-error');
      this.attemptFailed(target, error);
    }
  }

  private attemptFailed(target: SmppHost, error: unknown): void {
    if (!this.active) return;
    const cause = error as Error & { causeCode?: string; code?: string };
    const code = cause.causeCode ?? cause.code;
    this.events.emit('connect-failed', {
      host: target.host,
      port: target.port,
      attempt: this.attempts,
      message: cause.message,
      ...(code ? { code } : {}),
    });
    this.hostIndex += 1;
    this.schedule();
  }

  private bindFields() {
    return {
      system_id: this.config.systemId,
      password: this.config.password,
      system_type: this.config.systemType,
      interface_version: this.config.interfaceVersion,
      addr_ton: 0,
      addr_npi: 0,
      address_range: '',
    };
  }

  private refused(connection: SmppConnection, target: SmppHost, commandStatus: number): void {
    // Nothing is left to say on a refused bind; destroying leaves no close timer behind a stop().
    connection.destroy('closed');
    this.events.emit('bind-failed', {
      host: target.host,
      port: target.port,
      commandStatus,
      name: commandStatusName(commandStatus),
    });
    if (isCredentialsFailure(commandStatus)) {
      this.active = false;
      this.hooks.onCredentialsRefused(new BindCredentialsError(commandStatus));
      return;
    }
    this.hostIndex += 1;
    this.schedule();
  }

  private schedule(): void {
    const delayMs = this.backoff.next();
    this.events.emit('reconnect-scheduled', { delayMs, attempt: this.attempts + 1 });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.attempt();
    }, delayMs);
  }
}
