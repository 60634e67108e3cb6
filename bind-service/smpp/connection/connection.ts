// One TCP/TLS connection with one smpp package Session (a new one per attempt: the package's
// Session cannot be reused after a close). It owns the protocol chores that need no business
// decision: answering enquire_link and unbind, nacking unknown requests, keep-alive, and the few
// control requests (bind, enquire_link, query_sm, unbind) that each get their own timer.
import type { ConnectionOptions } from 'node:tls';
import { crashPoint } from '../../crash-points.ts';
import type { SmppHost, TlsSettings } from '../config.ts';
import { ConnectError, ConnectionLostError, ResponseTimeoutError, UnreadableAnswerError } from '../errors.ts';
import type { DisconnectReason, UnreadablePdu } from '../events.ts';
import { checkPduLayout } from '../pdu/pdu-layout.ts';
import { type CommandName, type PDU, type PduFields, type Session, smpp } from '../pdu/smpp-package.ts';
import { Status } from '../pdu/status.ts';
import { responseFromHeader, responseName } from '../pdu/unreadable-response.ts';
import { TurnCork } from './turn-cork.ts';

export interface ConnectionHandlers {
  /** Every PDU the connection does not handle itself: deliver_sm, submit_sm_resp, stray answers. */
  onPdu(pdu: PDU): void;
  /** Called exactly once, when the socket is gone. */
  onClose(reason: DisconnectReason, detail?: string): void;
  /**
   * A PDU whose body could not be read, already answered when it was a request; a response then
   * settles what it answers from its header (a submit_sm_resp reaches onPdu as a stand-in).
   */
  onUnreadable(pdu: UnreadablePdu): void;
}

/** The package's parse error for a PDU read off the stream whole (patches/smpp+*.patch). */
interface UnreadablePduError extends Error {
  unreadablePdu: { command_id: number; sequence_number: number; command_length: number };
}

const DELIVER_SM_ID = 0x00000005;
const RESPONSE_BIT = 0x80000000;

interface PendingControl {
  resolve(pdu: PDU): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** How long a graceful close may wait for the peer's FIN before the socket is destroyed. */
const CLOSE_GRACE_MS = 500;
/**
 * How long an unbind (the SMSC's, or ours after its answer) may wait for the answers to deliveries
 * still being stored (as long as the close grace): a DELIVER_SM and an UNBIND in one segment had
 * the unbind answered and the socket closed at once, the stored delivery's answer found it closed,
 * and the SMSC sent it again on the next bind (stored twice). A store slower than this is answered
 * on no socket: resent.
 */
export const UNBIND_ANSWER_WAIT_MS = CLOSE_GRACE_MS;

/** What the package passes to net.connect / tls.connect (a type alias, so it fits its index type). */
export type SocketOptions = { host: string; port: number } & Pick<
  ConnectionOptions,
  'rejectUnauthorized' | 'ca' | 'cert' | 'key' | 'servername'
> & { tls?: true };

/** Socket options for the package's `new Session(...)`; TLS verification stays on unless disabled. */
export function socketOptions(target: SmppHost, tls: TlsSettings | undefined): SocketOptions {
  if (!tls?.enabled) return { host: target.host, port: target.port };
  const options: SocketOptions = {
    tls: true,
    host: target.host,
    port: target.port,
    rejectUnauthorized: tls.rejectUnauthorized !== false,
  };
  if (tls.ca !== undefined) options.ca = tls.ca;
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.servername !== undefined) options.servername = tls.servername;
  return options;
}

export class SmppConnection {
  private readonly session: Session;
  /** Every write goes through it: the PDUs of one turn leave in one writev. */
  private readonly cork: TurnCork;
  private readonly control = new Map<number, PendingControl>();
  private closeReason: DisconnectReason | undefined;
  private closeDetail: string | undefined;
  /** With TLS 1.3 the server refuses a client certificate after the handshake: the code says so. */
  private errorCode: string | undefined;
  private closed = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private closeGrace: NodeJS.Timeout | undefined;
  /** Answers owed to the SMSC's requests that are still being decided (deliveries being stored). */
  private readonly owed = new Set<Promise<unknown>>();
  /** The SMSC sent unbind: no new request goes out, the answers owed are awaited, then it is answered. */
  private unbinding = false;
  private unbindWait: NodeJS.Timeout | undefined;
  private readonly ready: Promise<void>;
  /**
   * The PDU last handed to checkPdu, read whole off the stream. The package's parse error carries
   * only command_id, sequence_number and length, and an unreadable response is settled from its
   * command_status (and a submit_sm_resp's message_id): the package checks a PDU and parses it in
   * the same turn as it reports it unreadable, so this is that PDU.
   */
  private lastRead: Buffer | undefined;
  private markClosed: () => void = () => undefined;
  private readonly closedSignal = new Promise<void>((resolve) => {
    this.markClosed = resolve;
  });

  constructor(
    readonly target: SmppHost,
    tls: TlsSettings | undefined,
    private readonly handlers: ConnectionHandlers,
  ) {
    const secure = tls?.enabled === true;
    // checkPdu: a DELIVER_SM whose layout is broken is unreadable, not read loosely (pdu-layout.ts).
    const checkPdu = (pdu: Buffer) => {
      this.lastRead = pdu;
      checkPduLayout(pdu);
    };
    this.session = new smpp.Session({ ...socketOptions(target, tls), checkPdu });
    this.cork = new TurnCork(this.session.socket);
    this.ready = new Promise<void>((resolve, reject) => {
      this.session.socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
      this.session.socket.once('close', () =>
        reject(new ConnectError(this.closeDetail ?? 'connection closed before it was established')),
      );
      this.session.once('error', (error: NodeJS.ErrnoException) =>
        reject(new ConnectError(`${target.host}:${target.port}: ${error.message}`, error.code)),
      );
    });
    this.ready.catch(() => undefined);
    // Nagle would hold each small PDU until the previous one is acknowledged (DESIGN: latency).
    this.session.socket.once('connect', () => this.session.socket.setNoDelay(true));
    this.session.on('error', (error: NodeJS.ErrnoException) => this.onError(error));
    this.session.on('close', () => this.onSocketClose());
    this.session.on('pdu', (pdu: PDU) => this.onIncoming(pdu));
    this.session.on('unreadable_pdu', (error: UnreadablePduError) => this.onUnreadable(error));
    this.session.on('send', (pdu: PDU) => {
      if (pdu.command === 'submit_sm') crashPoint('after-submit-written');
    });
  }

  /** False too once the SMSC has sent unbind: the link is ending, nothing new goes on it. */
  get isOpen(): boolean {
    return !this.closed && !this.unbinding && this.session.socket.writable;
  }

  /** Resolves after the socket closed and onClose ran. */
  whenClosed(): Promise<void> {
    return this.closedSignal;
  }

  /** Resolves once TCP (and TLS) is up; rejects with ConnectError, or on timeout. */
  async connected(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new ConnectError(`${this.target.host}:${this.target.port}: connect timed out`, 'ETIMEDOUT'));
      }, timeoutMs);
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends a request and returns its sequence number, or undefined when the socket cannot take it
   * (closed, or the SMSC has sent unbind: it would not act on it).
   */
  send(command: CommandName, fields: PduFields = {}): number | undefined {
    if (this.closed || this.unbinding) return undefined;
    const pdu = new smpp.PDU(command, fields);
    return this.write(pdu) ? pdu.sequence_number : undefined;
  }

  /** Answers a request from the SMSC. */
  reply(request: PDU, fields: PduFields = {}): boolean {
    if (this.closed) return false;
    return this.write(request.response(fields));
  }

  /**
   * An answer to an SMSC request that is written later (a delivery, once stored): an unbind from
   * the SMSC waits for it, bounded, before it is answered and the socket closed.
   */
  owe(answer: Promise<unknown>): void {
    this.owed.add(answer);
    const settled = () => {
      this.owed.delete(answer);
    };
    answer.then(settled, settled);
  }

  /**
   * Settles once the answers owed now are written (or found the socket gone); answers owed later
   * are not waited for. Never rejects. A stop awaits it, bounded, before it unbinds and closes.
   */
  async owedAnswers(): Promise<void> {
    await Promise.allSettled([...this.owed]);
  }

  private write(pdu: PDU): boolean {
    this.cork.hold();
    try {
      return this.session.send(pdu);
    } catch {
      // A PDU the package cannot encode (a field longer than its size) throws before anything is
      // written: reported as not sent, so the caller gives back what it took (a window slot) instead
      // of losing it to a throw that submit() promises never happens.
      return false;
    }
  }

  /** A control request with its own timer; resolves with the answer (a generic_nack included). */
  request(command: CommandName, fields: PduFields, timeoutMs: number): Promise<PDU> {
    return new Promise<PDU>((resolve, reject) => {
      const sequenceNumber = this.send(command, fields);
      if (sequenceNumber === undefined) {
        reject(new ConnectionLostError(`cannot send ${command}: socket not writable`));
        return;
      }
      const timer = setTimeout(() => {
        this.control.delete(sequenceNumber);
        reject(new ResponseTimeoutError(command, timeoutMs));
      }, timeoutMs);
      this.control.set(sequenceNumber, { resolve, reject, timer });
    });
  }

  /**
   * enquire_link every interval; an answer missing for timeoutMs means the link is dead. One with
   * ESME_RINVBNDSTS means the link is up but the SMSC no longer holds the bind, and sends nothing on
   * it: `onHeldUnbound` decides when to bind again (answers to submits in flight may still come).
   */
  startKeepAlive(intervalMs: number, timeoutMs: number, onHeldUnbound: () => void): void {
    this.keepAlive = setInterval(() => {
      this.request('enquire_link', {}, timeoutMs).then(
        (answer) => {
          if (answer.command_status === Status.ESME_RINVBNDSTS) onHeldUnbound();
        },
        (error: Error) => {
          if (error instanceof ResponseTimeoutError) this.destroy('enquire-link-timeout', error.message);
        },
      );
    }, intervalMs);
  }

  /** Ends the socket politely, destroying it if the peer does not close its side in time. */
  close(reason: DisconnectReason, detail?: string): void {
    if (this.closed) return;
    this.closeReason ??= reason;
    this.closeDetail ??= detail;
    this.cork.flush();
    this.session.close();
    this.closeGrace ??= setTimeout(() => this.session.destroy(), CLOSE_GRACE_MS);
  }

  destroy(reason: DisconnectReason, detail?: string): void {
    if (this.closed) return;
    this.closeReason ??= reason;
    this.closeDetail ??= detail;
    this.cork.flush();
    this.session.destroy();
  }

  private onIncoming(pdu: PDU): void {
    if (pdu.isResponse()) {
      const pending = this.control.get(pdu.sequence_number);
      if (pending) {
        this.control.delete(pdu.sequence_number);
        clearTimeout(pending.timer);
        pending.resolve(pdu);
        return;
      }
      this.handlers.onPdu(pdu);
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        this.reply(pdu);
        return;
      case 'unbind':
        this.onUnbind(pdu);
        return;
      case 'deliver_sm':
        this.handlers.onPdu(pdu);
        return;
      case 'alert_notification':
      case 'outbind':
        // No response exists for these in SMPP 3.4; a transceiver has no use for them.
        this.handlers.onPdu(pdu);
        return;
      default:
        this.write(
          new smpp.PDU('generic_nack', {
            sequence_number: pdu.sequence_number,
            command_status: Status.ESME_RINVCMDID,
          }),
        );
        this.handlers.onPdu(pdu);
    }
  }

  /**
   * The SMSC's unbind is answered, and the socket closed, once the deliveries already being stored
   * have written their answers, or after UNBIND_ANSWER_WAIT_MS, whichever comes first. Nothing new
   * is sent meanwhile (send() refuses: a submit ends 'not-bound', never sent).
   */
  private onUnbind(request: PDU): void {
    if (this.unbinding) return;
    this.unbinding = true;
    this.closeReason ??= 'unbind';
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      clearTimeout(this.unbindWait);
      this.reply(request);
      this.close('unbind');
    };
    if (this.owed.size === 0) {
      answer();
      return;
    }
    this.unbindWait = setTimeout(answer, UNBIND_ANSWER_WAIT_MS);
    void Promise.allSettled([...this.owed]).then(answer);
  }

  /**
   * The stream is still in step (the whole PDU was read), so the PDU is answered and the session
   * goes on; dropping the link, as for a broken stream, made the SMSC send it again on every new
   * bind, and the login never stayed up. The error log says which one to ask the provider about. A
   * response settles the request it answers from its header (settleFromHeader).
   *
   * A DELIVER_SM gets ESME_RX_P_APPN, a permanent refusal. Its bytes are what the SMSC holds, so it
   * comes back the same each time: ESME_RX_T_APPN (temporary) had the SMSC send it again for as long
   * as it keeps it, an error line each time, and it could never be stored. Nothing is stored for it
   * either way, so refusing it for good loses nothing a retry could bring. Of the permanent codes,
   * ESME_RX_P_APPN is the one SMPP 3.4 defines for an ESME refusing a delivery (SMSCs treat it as
   * final); ESME_RINVMSGLEN and the like are the SMSC's answers to an ESME's requests, whose retry
   * on a deliver_sm_resp is left to each SMSC's policy. generic_nack is for a bad header (length,
   * command id), not a bad body. The PDU after it is read and answered as usual.
   */
  private onUnreadable(error: UnreadablePduError): void {
    const { command_id: commandId, sequence_number: sequenceNumber, command_length } = error.unreadablePdu;
    const unreadable = { commandId, sequenceNumber, commandLength: command_length, reason: error.message };
    if ((commandId & RESPONSE_BIT) !== 0) {
      this.handlers.onUnreadable(unreadable);
      this.settleFromHeader(commandId, sequenceNumber, error.message);
      return;
    }
    const answer =
      commandId === DELIVER_SM_ID
        ? new smpp.PDU('deliver_sm_resp', {
            sequence_number: sequenceNumber,
            command_status: Status.ESME_RX_P_APPN,
          })
        : new smpp.PDU('generic_nack', {
            sequence_number: sequenceNumber,
            command_status: Status.ESME_RINVCMDLEN,
          });
    this.write(answer);
    this.handlers.onUnreadable({ ...unreadable, answeredStatus: answer.command_status });
  }

  /**
   * An unreadable response still settles the request it answers, from its header
   * (unreadable-response.ts); dropped, the request waited out its timeout: a bind never completed,
   * a submit the SMSC took ended 'unknown'. One whose header says too little (a query_sm_resp
   * ESME_ROK: its answer is the body) fails its request at once rather than at its timeout.
   */
  private settleFromHeader(commandId: number, sequenceNumber: number, reason: string): void {
    const read = this.lastRead;
    this.lastRead = undefined;
    if (read === undefined || read.length < 16) return;
    if (read.readUInt32BE(4) !== commandId || read.readUInt32BE(12) !== sequenceNumber) return;
    const answer = responseFromHeader(read);
    if (answer) {
      this.onIncoming(answer);
      return;
    }
    const pending = this.control.get(sequenceNumber);
    if (!pending) return;
    this.control.delete(sequenceNumber);
    clearTimeout(pending.timer);
    pending.reject(new UnreadableAnswerError(responseName(commandId), reason));
  }

  private onError(error: NodeJS.ErrnoException): void {
    // The package emits socket errors and PDU parse errors on the same event. A socket error has
    // already destroyed the socket; a parse error leaves the reader wedged mid-stream, so the only
    // way forward is to drop the connection.
    const reason = this.session.socket.destroyed ? 'socket-error' : 'protocol-error';
    this.errorCode ??= error.code;
    this.destroy(reason, error.code ? `${error.code}: ${error.message}` : error.message);
  }

  private onSocketClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.closeGrace);
    clearTimeout(this.unbindWait);
    const reason = this.closeReason ?? 'closed';
    for (const pending of this.control.values()) {
      clearTimeout(pending.timer);
      pending.reject(new ConnectionLostError(reason, this.errorCode));
    }
    this.control.clear();
    this.handlers.onClose(reason, this.closeDetail);
    this.markClosed();
  }
}
