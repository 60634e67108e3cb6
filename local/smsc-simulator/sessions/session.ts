// One client connection as the simulator sees it: bind state, the options its system_type set, the
// idle clock, and the requests (DELIVER_SM, unbind) it still owes an answer to.

import { type PDU, type Session, smpp } from '#bind-service/smpp/codec.ts';
import { AdapterError } from '#core/domain/errors.ts';
import { parseSystemType, type SystemTypeFlags } from '#core/domain/provider/system-type.ts';
import type { TimerSet } from '../timers.ts';
import type { BindMode, BoundSessionInfo } from '../types.ts';

export type SessionState = 'open' | 'bound' | 'ending' | 'closed';

/** The client's connection ended while the simulator still owed or awaited a PDU on it. */
export class SessionGoneError extends AdapterError {
  readonly code = 'session_gone';

  constructor(reason: string) {
    super(`session ended: ${reason}`);
  }
}

interface PendingRequest {
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class SimSession {
  state: SessionState = 'open';
  systemId?: string;
  systemType = '';
  interfaceVersion = 0;
  mode?: BindMode;
  flags: SystemTypeFlags = parseSystemType('', { lenient: true });
  boundAt = 0;
  /** Submits accepted but not answered yet (only delayed answers keep this above 0). */
  inFlight = 0;
  /** Read by the idle check; a plain field write is the cheapest per-PDU bookkeeping. */
  lastActivity = Date.now();
  closeReason = 'socket closed';
  readonly remotePort: number;
  private readonly pending = new Set<PendingRequest>();
  private idleTimer: NodeJS.Timeout | undefined;
  private corked = false;

  constructor(
    readonly id: number,
    readonly smpp: Session,
    private readonly timers: TimerSet,
  ) {
    this.remotePort = smpp.socket.remotePort ?? 0;
  }

  get canSubmit(): boolean {
    return this.state === 'bound' && this.mode !== 'receiver';
  }

  get canReceive(): boolean {
    return this.state === 'bound' && this.mode !== 'transmitter';
  }

  bind(mode: BindMode, systemId: string, systemType: string, interfaceVersion: number): void {
    this.state = 'bound';
    this.mode = mode;
    this.systemId = systemId;
    this.systemType = systemType;
    this.interfaceVersion = interfaceVersion;
    // Lenient like the provider: what a client sends is taken as far as it is understood.
    this.flags = parseSystemType(systemType, { lenient: true });
    this.boundAt = Date.now();
  }

  info(): BoundSessionInfo {
    return {
      sessionId: this.id,
      systemId: this.systemId ?? '',
      systemType: this.systemType,
      interfaceVersion: this.interfaceVersion,
      remotePort: this.remotePort,
      mode: this.mode ?? 'transceiver',
    };
  }

  /** Arms the idle check; it re-arms itself for the remaining time instead of on every PDU. */
  watchIdle(idleTimeoutMs: number, onIdle: () => void): void {
    const check = (): void => {
      const idleFor = Date.now() - this.lastActivity;
      if (idleFor >= idleTimeoutMs) onIdle();
      else this.idleTimer = this.timers.set(check, idleTimeoutMs - idleFor);
    };
    this.idleTimer = this.timers.set(check, idleTimeoutMs);
  }

  /** Bytes straight onto the socket, bypassing the PDU encoder (a fault test's malformed PDU). */
  writeRaw(bytes: Buffer): void {
    if (this.state !== 'closed') this.smpp.socket.write(bytes);
  }

  send(pdu: PDU): void {
    if (this.state === 'closed') return;
    this.corkUntilTickEnd();
    this.smpp.send(pdu);
  }

  /** Answers to a burst of pipelined PDUs leave in one write instead of one syscall each (the
   * package parses every PDU already received in one go); the end of the tick still flushes them. */
  private corkUntilTickEnd(): void {
    if (this.corked) return;
    this.corked = true;
    this.smpp.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.smpp.socket.uncork();
    });
  }

  /** Sends a request and resolves with its answer; rejects on timeout or when the session ends. */
  request(pdu: PDU, timeoutMs: number): Promise<PDU> {
    return new Promise((resolve, reject) => {
      if (this.state === 'closed') {
        reject(new SessionGoneError(this.closeReason));
        return;
      }
      const entry: PendingRequest = {
        reject,
        timer: this.timers.set(() => {
          this.pending.delete(entry);
          reject(new Error(`no ${pdu.command}_resp within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.pending.add(entry);
      this.corkUntilTickEnd();
      const sent = this.smpp.send(pdu, (response) => {
        // A late answer to a request already given up on must not settle anything twice.
        if (!this.pending.delete(entry)) return;
        this.timers.clear(entry.timer);
        resolve(response);
      });
      if (!sent) {
        this.pending.delete(entry);
        this.timers.clear(entry.timer);
        reject(new SessionGoneError('socket not writable'));
      }
    });
  }

  /** Ends the session as the provider does: unbind, then the socket closes once answered or soon after. */
  unbindAndClose(reason: string, graceMs: number): void {
    if (this.state === 'closed' || this.state === 'ending') return;
    this.state = 'ending';
    this.closeReason = reason;
    const timer = this.timers.set(() => this.destroy(reason), graceMs);
    this.smpp.send(new smpp.PDU('unbind'), () => {
      this.timers.clear(timer);
      this.destroy(reason);
    });
  }

  /** Closes gracefully once the last answer is written (after unbind_resp); a peer that keeps its
   * side open is cut off after `graceMs`. */
  endAfterFlush(reason: string, graceMs: number): void {
    if (this.state === 'closed') return;
    this.state = 'ending';
    this.closeReason = reason;
    this.smpp.socket.end();
    this.timers.set(() => this.destroy(reason), graceMs);
  }

  destroy(reason: string): void {
    if (this.state === 'closed') return;
    if (this.state !== 'ending') this.closeReason = reason;
    this.state = 'ending';
    this.smpp.socket.destroy();
  }

  /** Called once the socket is closed: fails whatever still waits for an answer. */
  closed(): void {
    this.state = 'closed';
    this.timers.clear(this.idleTimer);
    for (const entry of this.pending) {
      this.timers.clear(entry.timer);
      entry.reject(new SessionGoneError(this.closeReason));
    }
    this.pending.clear();
  }
}
