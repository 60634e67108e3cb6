import { CommandStatus } from '#core/domain/provider/command-status.ts';
// Accounts and who is bound to them. Enforces the provider's one-session-per-login rule (MCONn
// raises it to n): a bind beyond the limit ends the account's oldest session.
import { DEFAULT_RATE } from '../options.ts';
import type { SimulatorAccount } from '../types.ts';
import { TokenBucket } from './rate.ts';
import type { SimSession } from './session.ts';

export interface AccountState {
  account: SimulatorAccount;
  bucket: TokenBucket;
  /** Scripted: every submit of the login is answered ESME_RTHROTTLED, whatever its rate. */
  throttled: boolean;
  /** Bound sessions, oldest first. */
  sessions: SimSession[];
  /** Most sessions bound at once, counted before the MCON limit pushes the oldest out. */
  peak: number;
}

export class SessionRegistry {
  private readonly accounts = new Map<string, AccountState>();

  constructor(accounts: SimulatorAccount[]) {
    for (const account of accounts) {
      // A copy: script() must not write into the caller's options.
      this.accounts.set(account.systemId, {
        account: { ...account },
        bucket: new TokenBucket(account.rate ?? DEFAULT_RATE),
        throttled: false,
        sessions: [],
        peak: 0,
      });
    }
  }

  /** 0 when the credentials are good, otherwise the bind_*_resp command_status. */
  authenticate(systemId: string, password: string): number {
    const state = this.accounts.get(systemId);
    if (!state) return CommandStatus.ESME_RINVSYSID;
    return state.account.password === password ? 0 : CommandStatus.ESME_RINVPASWD;
  }

  account(systemId: string): AccountState | undefined {
    return this.accounts.get(systemId);
  }

  /** A test's change to one login: its password as the SMSC now knows it (bound sessions stay), or
   * every submit throttled (true) or left to the rate again (false). */
  script(systemId: string, change: { throttled?: boolean; password?: string }): void {
    const state = this.accounts.get(systemId);
    if (!state) throw new Error(`the simulator has no login "${systemId}"`);
    if (change.password !== undefined) state.account.password = change.password;
    if (change.throttled !== undefined) state.throttled = change.throttled;
  }

  clearThrottles(): void {
    for (const state of this.accounts.values()) state.throttled = false;
  }

  /** Registers a freshly bound session; returns the sessions the login limit now pushes out. */
  attach(session: SimSession): SimSession[] {
    const state = this.accounts.get(session.systemId ?? '');
    if (!state) return [];
    state.sessions.push(session);
    state.peak = Math.max(state.peak, state.sessions.length);
    const excess = state.sessions.length - (session.flags.mcon ?? 1);
    return excess > 0 ? state.sessions.splice(0, excess) : [];
  }

  detach(session: SimSession): void {
    const state = this.accounts.get(session.systemId ?? '');
    if (!state) return;
    const index = state.sessions.indexOf(session);
    if (index !== -1) state.sessions.splice(index, 1);
  }

  sessions(systemId?: string): SimSession[] {
    if (systemId !== undefined) return [...(this.accounts.get(systemId)?.sessions ?? [])];
    return [...this.accounts.values()].flatMap((state) => state.sessions);
  }

  /** A session able to take a DELIVER_SM: the preferred one if still there, else the newest. */
  receiver(systemId: string, preferredSessionId?: number): SimSession | undefined {
    const sessions = this.accounts.get(systemId)?.sessions ?? [];
    let fallback: SimSession | undefined;
    for (const session of sessions) {
      if (!session.canReceive) continue;
      if (session.id === preferredSessionId) return session;
      fallback = session;
    }
    return fallback;
  }
}
