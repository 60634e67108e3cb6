// Session lifecycle as explicit, typed events (DESIGN convention 4). They are the engine's only
// voice: it does not log, the composition root turns these into logs and metrics.

import type { BindCredentialsError } from './errors.ts';
import type { DeliverSm, SubmitOutcome, SubmitTag } from './pdu/pdu-mapping.ts';

export type DisconnectReason =
  | 'unbind' // the SMSC sent unbind (e.g. another bind with the same login took over)
  | 'closed' // the peer closed the socket
  | 'socket-error'
  | 'enquire-link-timeout'
  | 'protocol-error' // unparseable PDU: the package's reader is wedged, the socket is destroyed
  | 'stopping';

export type StopReason = 'requested' | 'bad-credentials';

export interface SessionEvents {
  connecting: { host: string; port: number; attempt: number };
  'connect-failed': { host: string; port: number; attempt: number; message: string; code?: string };
  'bind-failed': { host: string; port: number; commandStatus: number; name: string };
  bound: { host: string; port: number };
  disconnected: { host: string; port: number; reason: DisconnectReason; inFlight: number; detail?: string };
  'reconnect-scheduled': { delayMs: number; attempt: number };
  /** The bind permit said no (e.g. the login's lease is not ours): no attempt now. */
  'bind-not-permitted': { attempt: number };
  /** `error`: why the SMSC refused the login, with reason 'bad-credentials'. */
  stopped: { reason: StopReason; error?: BindCredentialsError };
  /** A DELIVER_SM was handled; commandStatus is the answer (0 = stored), answered false if the link died first. */
  deliver: { delivery: DeliverSm; commandStatus: number; answered: boolean };
  /**
   * The answer to a tagged submit that had already resolved 'unknown' by its timeout (same bind,
   * within the window's late retention): what the SMSC did with it after all. Never resent.
   */
  'late-answer': { tag: SubmitTag; outcome: SubmitOutcome; sequenceNumber: number };
  /** A response nobody waits for (e.g. an untagged submit's late answer) or a PDU we ignore. */
  'unexpected-pdu': { command: string; sequenceNumber: number; commandStatus: number; messageId?: string };
  /**
   * A PDU of a right length whose body could not be read; answered (`answeredStatus`) when it was a
   * request, and the session goes on. `reason`: the parser's words (never the PDU's content).
   */
  'unreadable-pdu': UnreadablePdu;
}

export interface UnreadablePdu {
  commandId: number;
  sequenceNumber: number;
  commandLength: number;
  reason: string;
  /** The command_status it was answered with; absent for a response (nothing to answer). */
  answeredStatus?: number;
}

export type SessionEventName = keyof SessionEvents;
type Listener<K extends SessionEventName> = (event: SessionEvents[K]) => void;

export class SessionEventEmitter {
  private readonly listeners = new Map<SessionEventName, Set<Listener<SessionEventName>>>();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends SessionEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<SessionEventName>);
    return () => set.delete(listener as Listener<SessionEventName>);
  }

  /** Resolves with the next event of that name (for tests and one-shot waits). */
  once<K extends SessionEventName>(name: K, predicate: (event: SessionEvents[K]) => boolean = () => true) {
    return new Promise<SessionEvents[K]>((resolve) => {
      const off = this.on(name, (event) => {
        if (!predicate(event)) return;
        off();
        resolve(event);
      });
    });
  }

  emit<K extends SessionEventName>(name: K, event: SessionEvents[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(event);
      } catch (error) {
        // A faulty listener must not corrupt the session's state machine mid-transition; surface it
        // the way an uncaught exception would, outside our call stack.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
