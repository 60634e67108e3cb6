// An SMPP server that behaves like the SMSC (smscentre.com) gateway, for tests (listen(0)) and for
// local runs. It records what it accepted, answers like the provider, and lets a test script faults.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type PDU, type Server, type Session, smpp } from '#bind-service/smpp/codec.ts';
import { MoDispatcher, type MoMessage } from './deliveries/mo.ts';
import { ReceiptDispatcher } from './deliveries/receipts.ts';
import { FaultBook, type SessionFault } from './messages/faults.ts';
import { MessageBook } from './messages/messages.ts';
import { incompleteEvent, type MessageHead, MultipartAssembler, sortedParts } from './messages/multipart.ts';
import { DuplicateGuard, FloodGuard } from './messages/rules.ts';
import { SubmitHandler } from './messages/submit.ts';
import { type ResolvedOptions, resolveOptions } from './options.ts';
import type { BindDeps } from './sessions/binds.ts';
import { CommandRouter } from './sessions/commands.ts';
import { SessionRegistry } from './sessions/registry.ts';
import { SimSession } from './sessions/session.ts';
import { tlsServerOptions } from './sessions/tls.ts';
import { emptyStats } from './stats.ts';
import { TimerSet } from './timers.ts';
import type {
  BoundSessionInfo,
  Fault,
  LoggedSubmit,
  Outcome,
  PlantedMessage,
  ReceivedMessage,
  ReceivedSubmit,
  SimulatorEvents,
  SimulatorOptions,
  SimulatorStats,
} from './types.ts';
import { Waiters } from './waiters.ts';

export class SmscSimulator extends EventEmitter<SimulatorEvents> {
  readonly submissions: ReceivedSubmit[] = [];
  readonly messages: ReceivedMessage[] = [];
  /** Every SUBMIT_SM received with what became of it (refused and unanswered ones too); kept like
   * `submissions`, only while recording. */
  readonly submitLog: LoggedSubmit[] = [];
  readonly stats: SimulatorStats = emptyStats();

  private readonly options: ResolvedOptions;
  private readonly timers = new TimerSet();
  private readonly waiters = new Waiters();
  private readonly registry: SessionRegistry;
  private readonly faults = new FaultBook();
  private readonly receipts: ReceiptDispatcher;
  private readonly mos: MoDispatcher;
  private readonly assembler: MultipartAssembler;
  private readonly book: MessageBook;
  private readonly router: CommandRouter;
  private readonly sessions = new Set<SimSession>();
  private readonly silentEnquireLink = new Set<string>();
  private refuseBindStatus = 0;
  private server: Server | undefined;
  private closing: Promise<void> | undefined;
  private nextSessionId = 1;
  private nextMessageId: number;
  private listeningPort = 0;

  constructor(options: SimulatorOptions) {
    super();
    this.options = resolveOptions(options);
    this.nextMessageId = this.options.firstMessageId;
    this.registry = new SessionRegistry(this.options.accounts);
    this.receipts = new ReceiptDispatcher({
      registry: this.registry,
      timers: this.timers,
      stats: this.stats,
      responseTimeoutMs: this.options.receiptResponseTimeoutMs,
      retryMs: this.options.receiptRetryMs,
      onHeld: (event) => this.emitChange('receipt-held', event),
      onSent: (event) => this.emitChange('receipt-sent', event),
      onAcked: (event) => this.emitChange('receipt-acked', event),
    });
    this.mos = new MoDispatcher({
      registry: this.registry,
      timers: this.timers,
      responseTimeoutMs: this.options.receiptResponseTimeoutMs,
      retryMs: this.options.receiptRetryMs,
    });
    this.book = new MessageBook({
      options: this.options,
      stats: this.stats,
      receipts: this.receipts,
      flood: new FloodGuard(this.options.floodLimit, this.options.floodGapMs),
      wantsMessages: () => this.options.record || this.listenerCount('message') > 0,
      onMessage: (message) => {
        if (this.options.record) this.messages.push(message);
        this.emitChange('message', message);
      },
      onIncomplete: (head, parts, total) =>
        this.emitChange('incomplete', incompleteEvent(head, parts, total)),
    });
    this.assembler = new MultipartAssembler(this.options.multipartWindowMs, this.timers, (assembly) =>
      this.book.expire(assembly.head, sortedParts(assembly), assembly.total),
    );
    const submits = new SubmitHandler({
      options: this.options,
      stats: this.stats,
      registry: this.registry,
      faults: this.faults,
      assembler: this.assembler,
      book: this.book,
      duplicates: new DuplicateGuard(this.options.duplicateWindowMs),
      timers: this.timers,
      nextMessageId: () => String(this.nextMessageId++),
      wantsSubmits: () => this.options.record || this.listenerCount('submit') > 0,
      onSubmit: (submit) => {
        if (this.options.record) this.submissions.push(submit);
        this.emitChange('submit', submit);
      },
      wantsLog: () => this.options.record || this.listenerCount('submit-logged') > 0,
      onLogged: (submit) => {
        if (this.options.record) this.submitLog.push(submit);
        this.emitChange('submit-logged', submit);
      },
      endSession: (session, fault) => this.applySessionFault(session, fault),
    });
    this.router = new CommandRouter({
      stats: this.stats,
      registry: this.registry,
      submits,
      book: this.book,
      binds: this.bindDeps(),
      silentEnquireLink: (systemId) => this.silentEnquireLink.has(systemId),
      unbindGraceMs: this.options.unbindGraceMs,
      issued: (id) => id >= this.options.firstMessageId && id < this.nextMessageId,
    });
  }

  /** Starts serving (TLS when `tls` was given); resolves with the port, which 0 lets the OS pick. */
  listen(port = 0): Promise<number> {
    if (this.server) return Promise.resolve(this.listeningPort);
    const server = smpp.createServer(tlsServerOptions(this.options.tls), (s) => this.onConnection(s));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        // Errors after listening (a client's TLS handshake failing, say) concern one client only.
        server.on('error', () => undefined);
        this.listeningPort = (server.address() as AddressInfo).port;
        resolve(this.listeningPort);
      });
    });
  }

  get port(): number {
    return this.listeningPort;
  }

  /** Receipts created and not yet acknowledged by a client (scheduled, held, in flight, retrying). */
  get undeliveredReceipts(): number {
    return this.receipts.outstanding;
  }

  /** Receipts waiting for a receiving session of their account to bind. */
  get heldReceipts(): number {
    return this.receipts.held;
  }

  /** Parts of incoming messages sent and not yet acknowledged (in flight, retrying or held). */
  get undeliveredMoParts(): number {
    return this.mos.outstanding;
  }

  /** Ends every session and the server; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.receipts.stop();
      this.mos.stop();
      this.assembler.clear();
      this.waiters.cancelAll(new Error('simulator closed'));
      const server = this.server;
      for (const session of this.sessions) session.destroy('simulator closed');
      this.timers.clearAll();
      if (!server?.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
    });
    return this.closing;
  }

  boundSessions(systemId?: string): BoundSessionInfo[] {
    return this.registry.sessions(systemId).map((session) => session.info());
  }

  /** Most sessions the login had bound at once so far, a bind beyond its MCON included. */
  peakSessions(systemId: string): number {
    return this.registry.account(systemId)?.peak ?? 0;
  }

  fault(fault: Fault): void {
    this.faults.add(fault);
  }

  /** Drops scripted faults, login throttling, enquire_link silence and bind refusal (not outcomes). */
  clearFaults(): void {
    this.faults.clear();
    this.registry.clearThrottles();
    this.silentEnquireLink.clear();
    this.refuseBindStatus = 0;
  }

  /** Per-login faults: every submit ESME_RTHROTTLED, or a new password (old one: ESME_RINVPASWD). */
  scriptLogin(systemId: string, change: { throttled?: boolean; password?: string }): void {
    this.registry.script(systemId, change);
  }

  /** Ends every session of the login as the provider does when another bind takes over. */
  kick(systemId: string): void {
    for (const session of this.registry.sessions(systemId)) this.endSession(session, 'kicked');
  }

  /** Writes raw bytes to every session of the login (a malformed PDU, for fault tests). */
  sendRaw(systemId: string, bytes: Buffer): void {
    for (const session of this.registry.sessions(systemId)) session.writeRaw(bytes);
  }

  /** The login's sessions stop answering enquire_link (until clearFaults or `false`). */
  stopAnsweringEnquireLink(systemId: string, stop = true): void {
    if (stop) this.silentEnquireLink.add(systemId);
    else this.silentEnquireLink.delete(systemId);
  }

  /** Every bind is refused with this status; 0 or no argument accepts binds again. */
  refuseBinds(commandStatus = 0): void {
    this.refuseBindStatus = commandStatus;
  }

  /** Every later message to this destination ends with this outcome (first over outcomeRules). */
  scriptOutcome(destination: string, outcome: Outcome): void {
    this.book.scripted.set(destination, outcome);
  }

  clearOutcomes(): void {
    this.book.scripted.clear();
  }

  /**
   * Puts a message at the SMSC under `systemId` without a SUBMIT_SM, as if the login had sent it
   * (registered_delivery 0) and its submit_sm_resp had been lost; returns its id. For tests whose
   * login is held by the service under test alone: without MCON a second bind of it would end the
   * service's session. QUERY_SM of that login knows the message, outcome scripts and rules decide
   * it, it is in `messages`; not in `submissions` or `submitLog` (no SUBMIT_SM came); no receipt.
   */
  plant(message: PlantedMessage): string {
    // Without recording QUERY_SM knows no message, so a planted one would be of no use.
    if (!this.options.record) throw new Error('plant() needs record: true');
    if (!this.registry.account(message.systemId))
      throw new Error(`the simulator has no login "${message.systemId}"`);
    const messageId = String(this.nextMessageId++);
    const head: MessageHead = {
      systemId: message.systemId,
      sessionId: 0,
      source: 'Sender',
      sourceTon: 5,
      sourceNpi: 1,
      destination: message.destination,
      destTon: 1,
      destNpi: 1,
      dataCoding: 0,
      registeredDelivery: 0,
      at: Date.now(),
      single: false,
    };
    this.book.noteSubmitted(messageId, head.systemId, head.at);
    this.book.complete(head, [{ index: 1, messageId, text: message.text ?? 'Planted' }], 1, 0);
    return messageId;
  }

  /**
   * An incoming message from a subscriber; resolves with each part's first DELIVER_SM_RESP status
   * (held, while no receiving session of the account is bound, until one is). Like receipts, a part
   * refused or not answered is sent again every `receiptRetryMs` until acknowledged.
   */
  injectMo(mo: MoMessage): Promise<number[]> {
    return this.mos.deliver(mo);
  }

  /** Resolves once `predicate` holds: checked on every simulator event and on a short poll. */
  waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    return this.waiters.add(predicate, timeoutMs);
  }

  private emitChange<K extends keyof SimulatorEvents>(event: K, ...args: SimulatorEvents[K]): void {
    // emit() is generic over the key; this cast only re-joins the key with its own argument tuple.
    (this.emit as (event: K, ...args: SimulatorEvents[K]) => boolean)(event, ...args);
    this.waiters.check();
  }

  private onConnection(raw: Session): void {
    raw.socket.setNoDelay(true);
    const session = new SimSession(this.nextSessionId++, raw, this.timers);
    this.sessions.add(session);
    session.watchIdle(this.options.idleTimeoutMs, () => {
      this.stats.idleTimeouts += 1;
      this.endSession(session, 'idle timeout', false);
    });
    raw.on('pdu', (pdu: PDU) => this.router.onPdu(session, pdu));
    // A PDU that fails to parse leaves the package's reader stuck: the connection is lost anyway.
    raw.on('error', () => session.destroy('socket error'));
    raw.on('close', () => this.onClosed(session));
  }

  private onClosed(session: SimSession): void {
    this.sessions.delete(session);
    this.registry.detach(session);
    session.closed();
    const event = { sessionId: session.id, reason: session.closeReason };
    this.emitChange('session-closed', session.systemId ? { ...event, systemId: session.systemId } : event);
  }

  private bindDeps(): BindDeps {
    return {
      registry: this.registry,
      stats: this.stats,
      refusedWith: () => this.refuseBindStatus,
      evict: (session: SimSession) => this.endSession(session, 'replaced by a newer bind'),
      onBound: (session: SimSession) => {
        this.emitChange('bind', {
          sessionId: session.id,
          systemId: session.systemId ?? '',
          systemType: session.systemType,
          interfaceVersion: session.interfaceVersion,
        });
        if (session.canReceive && session.systemId) {
          this.receipts.flush(session.systemId);
          this.mos.flush(session.systemId);
        }
      },
      onRefused: (session: SimSession, systemId: string, commandStatus: number) =>
        this.emitChange('bind-failed', { sessionId: session.id, systemId, commandStatus }),
    };
  }

  private applySessionFault(session: SimSession, fault: SessionFault): void {
    if (fault === 'close') {
      // end() rather than destroy(): the answer just written must still reach the client.
      this.registry.detach(session);
      session.endAfterFlush('close fault', this.options.unbindGraceMs);
    } else {
      this.endSession(session, 'unbind fault', false);
    }
  }

  /** unbind, then close: the session leaves the registry at once so nothing more is routed to it. */
  private endSession(session: SimSession, reason: string, isKick = true): void {
    if (session.state === 'closed' || session.state === 'ending') return;
    this.registry.detach(session);
    if (isKick) {
      this.stats.kicked += 1;
      if (session.systemId)
        this.emitChange('kick', { sessionId: session.id, systemId: session.systemId, reason });
    }
    session.unbindAndClose(reason, this.options.unbindGraceMs);
  }
}
