// What an SmppClient is given and gives back besides its config: options, stop options, the record
// kept per submit in flight, and the fixed outcomes of submits that never got an answer.
import type { SubmitOutcome, SubmitTag } from './pdu/pdu-mapping.ts';

/** `refused`: the SMSC refused the login; no bind is tried until relogin() brings another password. */
export type SessionState = 'idle' | 'connecting' | 'bound' | 'refused' | 'stopping' | 'stopped';

/**
 * What /healthz shows of a session: its state, except that a session bound on paper that takes
 * nothing says why: `rebind-owed` (the SMSC answered ESME_RINVBNDSTS: it binds again once the
 * answers owed are in) or `closing` (the link is ending: the SMSC sent unbind, or the socket went).
 */
export type ReportedState = SessionState | 'rebind-owed' | 'closing';

export interface SmppClientOptions {
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
  /** For the back-off jitter; injectable for tests. */
  random?: () => number;
  /** Asked before every bind attempt; false: no attempt now, asked again after the back-off. */
  bindPermit?: () => Promise<boolean>;
}

export interface StopOptions {
  /**
   * How long in-flight submits may take to be answered before the unbind goes; those still without
   * an answer once the unbind is answered (or times out) are reported 'unknown'.
   */
  drainTimeoutMs?: number;
  /**
   * Ends the drain early when aborted (the slot's lease was lost while it drained): the unbind goes
   * then, while the login is still this task's.
   */
  drainCut?: AbortSignal;
  /** Unbind at once (the login may be someone else's now); answers before unbind_resp still count. */
  unbindFirst?: boolean;
}

export interface InFlightSubmit {
  resolve(outcome: SubmitOutcome): void;
  tag: SubmitTag | undefined;
}

export interface BoundWaiter {
  resolve(): void;
  reject(error: Error): void;
}

export const NOT_BOUND: SubmitOutcome = { kind: 'not-sent', reason: 'not-bound' };
export const STOPPING: SubmitOutcome = { kind: 'not-sent', reason: 'stopping' };
export const TIMED_OUT: SubmitOutcome = { kind: 'unknown', reason: 'timeout' };
export const CONNECTION_LOST: SubmitOutcome = { kind: 'unknown', reason: 'connection-lost' };
