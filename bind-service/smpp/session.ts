// One SMPP transceiver bind to the SMSC, kept alive for the life of the process: connect, bind,
// keep-alive, reconnect with back-off over the hosts, a window of in-flight submits, deliveries
// answered after they are stored, and a graceful stop that drains (long messages already on the
// wire finish their parts) and unbinds.
import {
  parseSessionConfig,
  type ResolvedSessionConfig,
  type SessionConfig,
  type SmppHost,
} from './config.ts';
import type { SmppConnection } from './connection/connection.ts';
import { Connector } from './connection/connector.ts';
import { answerDelivery, type DeliverHandler } from './connection/deliveries.ts';
import { ExpirySweep } from './connection/expiry-sweep.ts';
import { endConnection, type QuerySource, querySm } from './connection/requests.ts';
import { SubmitWindow, type WindowPriority } from './connection/window.ts';
import { type BindCredentialsError, NotBoundError } from './errors.ts';
import { type DisconnectReason, SessionEventEmitter, type StopReason } from './events.ts';
import { PartsToCome } from './parts-to-come.ts';
import {
  genericNackOutcome,
  type QueryResult,
  type SubmitFields,
  type SubmitOutcome,
  type SubmitTag,
  submitRespOutcome,
  toSubmitPdu,
  unexpectedPdu,
} from './pdu/pdu-mapping.ts';
import type { PDU } from './pdu/smpp-package.ts';
import { Status } from './pdu/status.ts';
import { RebindOwed } from './rebind-owed.ts';
import {
  type BoundWaiter,
  CONNECTION_LOST,
  type InFlightSubmit,
  NOT_BOUND,
  type ReportedState,
  type SessionState,
  type SmppClientOptions,
  STOPPING,
  type StopOptions,
  TIMED_OUT,
} from './session-options.ts';

export type { ReportedState, SessionState, SmppClientOptions, StopOptions } from './session-options.ts';

const VALIDITY_PASSED: SubmitOutcome = { kind: 'not-sent', reason: 'validity-passed' };

export class SmppClient extends SessionEventEmitter {
  readonly config: ResolvedSessionConfig;
  private status: SessionState = 'idle';
  private current: SmppConnection | undefined;
  private readonly window: SubmitWindow<InFlightSubmit>;
  private readonly connector: Connector;
  private readonly now: () => number;
  private readonly sweep: ExpirySweep;
  private deliverHandler: DeliverHandler | undefined;
  private boundWaiters: BoundWaiter[] = [];
  private stopping: Promise<void> | undefined;
  private stopError: Error | undefined;
  private readonly parts: PartsToCome;
  /** A graceful stop's drain is on: later parts (`priority: 'part'`) still go, nothing else. */
  private finishingParts = false;
  private readonly rebind = new RebindOwed(
    () => this.window.inFlight,
    () => this.current?.close('unbind', 'the SMSC answered ESME_RINVBNDSTS: it holds this session unbound'),
  );

  constructor(config: SessionConfig, options: SmppClientOptions = {}) {
    super();
    this.config = parseSessionConfig(config);
    this.window = new SubmitWindow(this.config.windowSize);
    this.now = options.now ?? (() => performance.now());
    this.parts = new PartsToCome(this.now);
    this.sweep = new ExpirySweep(() => {
      for (const submit of this.window.expire(this.now())) submit.resolve(TIMED_OUT);
      this.rebind.rebindIfIdle();
    }, this.config.responseTimeoutMs);
    this.connector = new Connector(
      this.config,
      this,
      {
        onPdu: (connection, pdu) => this.onPdu(connection, pdu),
        onClose: (connection, reason, detail) => this.onClose(connection, reason, detail),
        onBound: (connection) => this.onBound(connection),
        onCredentialsRefused: (error) => this.refuse(error),
      },
      { now: this.now, random: options.random, permit: options.bindPermit },
    );
  }

  get state(): SessionState {
    return this.status;
  }

  /** `state`, told apart where a bound session takes nothing (ReportedState). */
  get reportedState(): ReportedState {
    if (this.status !== 'bound' || this.isBound) return this.status;
    return this.rebind.isOwed ? 'rebind-owed' : 'closing';
  }

  /**
   * False too while the SMSC holds the bind unbound (ESME_RINVBNDSTS), and once the link is ending
   * (the SMSC's unbind waits for deliveries being stored): nothing goes on it.
   */
  get isBound(): boolean {
    return this.status === 'bound' && !this.rebind.isOwed && this.current?.isOpen === true;
  }

  /** The host of the current bind, if any. */
  get boundTo(): SmppHost | undefined {
    return this.current?.target;
  }

  /** Submits sent and not yet answered (plus slots granted to callers about to send). */
  get inFlight(): number {
    return this.window.inFlight;
  }

  get windowSize(): number {
    return this.config.windowSize;
  }

  /** Free window slots on the current bind; 0 while not bound. */
  get availableSlots(): number {
    return this.isBound ? this.window.available : 0;
  }

  /**
   * Submits waiting for a window slot on this bind: with every bind's window full, a pool sends a
   * message where the fewest wait (a waiter that gave up counts until its turn passes it on).
   */
  get queuedSubmits(): number {
    return this.window.waiting;
  }

  /** Binds and keeps the bind up; rejects on a refused login (BindCredentialsError) or a stop first. */
  start(): Promise<void> {
    if (this.status !== 'idle') throw new Error(`start() called in state '${this.status}'`);
    this.status = 'connecting';
    const bound = this.whenBound();
    bound.catch(() => undefined);
    this.connector.start();
    return bound;
  }

  /** State `refused`: binds with another password; rejects with BindCredentialsError if refused again. */
  relogin(password: string): Promise<void> {
    if (this.status !== 'refused') throw new Error(`relogin() called in state '${this.status}'`);
    this.connector.setPassword(password);
    this.status = 'idle';
    return this.start();
  }

  /** Resolves when bound (now or later, see isBound); rejects once the session is stopped for good. */
  whenBound(): Promise<void> {
    if (this.isBound) return Promise.resolve();
    if (this.status === 'stopped' || this.status === 'stopping') {
      return Promise.reject(this.stopError ?? new NotBoundError('session stopped'));
    }
    return new Promise<void>((resolve, reject) => this.boundWaiters.push({ resolve, reject }));
  }

  /**
   * Resolves when the bind is up and has a free slot, so a dispatcher claims a message only when it
   * can send it. Also resolves once stopping (submit() then answers 'not-sent').
   */
  async whenSlotFree(): Promise<void> {
    for (;;) {
      if (this.status === 'stopping' || this.status === 'stopped') return;
      if (this.isBound && this.window.available > 0) return;
      if (!this.isBound) {
        await this.whenBound().catch(() => undefined);
        continue;
      }
      await this.window.whenSlotFree();
    }
  }

  onDeliver(handler: DeliverHandler): void {
    this.deliverHandler = handler;
  }

  /**
   * Sends one SUBMIT_SM; waits (FIFO) for a window slot when the window is full. Never throws. A
   * tagged submit whose answer comes after its timeout is reported by a 'late-answer' event.
   * `priority`: served before other waiting submits (WindowPriority: later parts, then urgent).
   * `signal`: stop waiting for a slot (then 'not-sent'). Once stopping, 'not-sent' (stopping),
   * except a later part during a graceful stop's drain (see stop()).
   */
  async submit(
    fields: SubmitFields,
    tag?: SubmitTag,
    options: { priority?: WindowPriority; signal?: AbortSignal } = {},
  ): Promise<SubmitOutcome> {
    const outcome = await this.send(fields, tag, options);
    this.parts.settled(tag, outcome);
    return outcome;
  }

  private async send(
    fields: SubmitFields,
    tag: SubmitTag | undefined,
    options: { priority?: WindowPriority; signal?: AbortSignal },
  ): Promise<SubmitOutcome> {
    const { priority } = options;
    if (this.isStopping && !this.finishesPart(priority)) return STOPPING;
    if (!this.current || this.rebind.isOwed) return this.notSent();
    if (!this.window.tryAcquire(priority)) {
      const granted = await this.window.acquire(priority, options.signal);
      if (!granted) return this.notSent();
      if (!this.canSend(priority)) {
        this.window.release();
        return this.notSent();
      }
    }
    // Built only now that the slot is granted: the wait for it may have outlasted the message's
    // validity, which its sender last looked at before; then nothing is written (pdu-mapping.ts).
    const pdu = toSubmitPdu(fields);
    if (pdu === undefined) {
      this.window.release();
      return VALIDITY_PASSED;
    }
    const sequenceNumber = this.current?.send('submit_sm', pdu);
    if (sequenceNumber === undefined) {
      this.window.release();
      return this.notSent();
    }
    this.parts.sent(tag);
    const deadline = this.now() + this.config.responseTimeoutMs;
    return new Promise<SubmitOutcome>((resolve) =>
      this.window.track(sequenceNumber, { resolve, tag }, deadline),
    );
  }

  private get isStopping(): boolean {
    return this.status === 'stopping' || this.status === 'stopped';
  }

  /** A later part of a long message on the wire, while a graceful stop's drain lets parts finish. */
  private finishesPart(priority: WindowPriority | undefined): boolean {
    return this.finishingParts && priority === 'part';
  }

  /** Bound, or a later part during a graceful stop's drain; the link open and usable either way. */
  private canSend(priority: WindowPriority | undefined): boolean {
    if (this.rebind.isOwed || this.current?.isOpen !== true) return false;
    return this.status === 'bound' || (this.status === 'stopping' && this.finishesPart(priority));
  }

  /** Its sender sends no more of the message's parts: a graceful stop waits no longer for them. */
  messageEnded(messageId: string): void {
    this.parts.ended(messageId);
  }

  /** QUERY_SM for one message id; resolves an 'unknown' submit when no receipt comes. */
  async queryStatus(messageId: string, source?: QuerySource): Promise<QueryResult> {
    const connection = this.current;
    if (!connection || this.status !== 'bound') throw new NotBoundError();
    return querySm(connection, messageId, source, this.config.responseTimeoutMs);
  }

  /**
   * Stops taking submits, drains (bounded), unbinds, closes; no reconnect afterwards. The drain
   * waits for the window to empty and for the long messages already on the wire to finish: their
   * later parts (`priority: 'part'`) still go until it ends, so a handed-over session does not
   * leave the SMSC half a message (err 241, the parts billed). A part after the drain, or with
   * `unbindFirst`, is 'not-sent' (stopping); its sender records the message `unknown`. The
   * deliveries being stored are answered before the close, bounded (connection/requests.ts).
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopping ??= this.shutdown(
      options.drainTimeoutMs ?? 5_000,
      options.unbindFirst === true,
      options.drainCut,
    );
    return this.stopping;
  }

  private async shutdown(
    drainTimeoutMs: number,
    unbindFirst: boolean,
    drainCut: AbortSignal | undefined,
  ): Promise<void> {
    if (this.status === 'stopped') return;
    this.status = 'stopping';
    this.connector.cancel();
    this.finishingParts = !unbindFirst && this.current !== undefined;
    this.window.cancelWaiters(this.finishingParts ? 'part' : undefined);
    if (this.current) {
      const { unbindTimeoutMs } = this.config;
      await endConnection(
        this.current,
        this.window,
        { drainTimeoutMs, drainCut, unbindFirst, unbindTimeoutMs },
        { idle: () => this.idle(), over: () => this.endDrain() },
      );
    }
    this.endDrain();
    this.finish('requested');
  }

  /** Nothing in flight and no long message with parts to come (or the drain already ended). */
  private async idle(): Promise<void> {
    for (;;) {
      await this.window.whenEmpty();
      if (!this.finishingParts || this.parts.size === 0) return;
      await this.parts.whenNone();
    }
  }

  private endDrain(): void {
    if (!this.finishingParts) return;
    this.finishingParts = false;
    this.window.cancelWaiters();
  }

  // No more attempts (a retry storm could lock the account), yet not stopped: whenSlotFree() keeps
  // waiting, and relogin() may bring a corrected password.
  private refuse(error: BindCredentialsError): void {
    this.status = 'refused';
    this.connector.cancel();
    this.sweep.stop();
    const waiters = this.boundWaiters;
    this.boundWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
    this.emit('stopped', { reason: 'bad-credentials', error });
  }

  private finish(reason: StopReason, error?: Error): void {
    this.status = 'stopped';
    this.connector.cancel();
    this.sweep.stop();
    this.stopError = error ?? new NotBoundError('session stopped');
    const waiters = this.boundWaiters;
    this.boundWaiters = [];
    for (const waiter of waiters) waiter.reject(this.stopError);
    this.emit('stopped', { reason });
  }

  private notSent(): SubmitOutcome {
    return this.status === 'stopping' || this.status === 'stopped' ? STOPPING : NOT_BOUND;
  }

  private onBound(connection: SmppConnection): void {
    this.current = connection;
    this.status = 'bound';
    this.rebind.clear();
    const { enquireLinkIntervalMs, enquireLinkTimeoutMs } = this.config;
    connection.startKeepAlive(enquireLinkIntervalMs, enquireLinkTimeoutMs, () => {
      if (connection === this.current) this.rebind.hold();
    });
    this.sweep.start();
    this.emit('bound', { host: connection.target.host, port: connection.target.port });
    const waiters = this.boundWaiters;
    this.boundWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private onClose(connection: SmppConnection, reason: DisconnectReason, detail?: string): void {
    if (connection !== this.current) return;
    this.current = undefined;
    this.sweep.stop();
    const lost = this.window.abandon();
    for (const submit of lost) submit.resolve(CONNECTION_LOST);
    const { host, port } = connection.target;
    this.emit('disconnected', {
      host,
      port,
      reason,
      inFlight: lost.length,
      ...(detail === undefined ? {} : { detail }),
    });
    if (this.status !== 'bound') return;
    this.status = 'connecting';
    this.connector.reconnect();
  }

  private onPdu(connection: SmppConnection, pdu: PDU): void {
    if (connection !== this.current) return;
    switch (pdu.command) {
      case 'submit_sm_resp':
      case 'generic_nack':
        this.settle(
          pdu,
          pdu.command === 'generic_nack' ? genericNackOutcome(pdu.command_status) : submitRespOutcome(pdu),
        );
        if (pdu.command_status === Status.ESME_RINVBNDSTS) this.rebind.hold();
        else this.rebind.rebindIfIdle();
        return;
      case 'deliver_sm':
        void answerDelivery(connection, pdu, this.deliverHandler).then((answer) =>
          this.emit('deliver', answer),
        );
        return;
      default:
        this.emit('unexpected-pdu', unexpectedPdu(pdu));
    }
  }

  private settle(pdu: PDU, outcome: SubmitOutcome): void {
    const submit = this.window.settle(pdu.sequence_number);
    const tag = submit ? undefined : this.window.takeLate(pdu.sequence_number, this.now())?.tag;
    if (submit) submit.resolve(outcome);
    else if (tag) this.emit('late-answer', { tag, outcome, sequenceNumber: pdu.sequence_number });
    else this.emit('unexpected-pdu', unexpectedPdu(pdu));
  }
}
