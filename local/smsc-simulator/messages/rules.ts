// The provider's anti-error rules and the test-scripted outcomes of a message.
import type { Outcome, OutcomeRule, ReceivedMessage } from '../types.ts';

/** A Map used as an insertion-ordered expiry queue: re-inserting a key moves it to the end, so
 * the oldest entries are always first and pruning stops at the first one still young. */
function pruneOlderThan<T>(map: Map<string, T>, cutoff: number, at: (value: T) => number): void {
  for (const [key, value] of map) {
    if (at(value) >= cutoff) break;
    map.delete(key);
  }
}

/** Refuses an identical send (account, source, destination, full text) inside the window. */
export class DuplicateGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** True when this send repeats one from inside the window; otherwise remembers it. */
  isDuplicate(systemId: string, source: string, destination: string, text: string, now: number): boolean {
    if (this.windowMs <= 0) return false;
    pruneOlderThan(this.seen, now - this.windowMs, (at) => at);
    const key = `${systemId}\u0000${source}\u0000${destination}\u0000${text}`;
    if (this.seen.has(key)) return true;
    this.seen.set(key, now);
    return false;
  }
}

interface FloodEntry {
  last: number;
  streak: number;
}

/** Counts messages to one number sent less than `gapMs` apart; above `limit` they fail (err 251). */
export class FloodGuard {
  private readonly streaks = new Map<string, FloodEntry>();

  constructor(
    private readonly limit: number,
    private readonly gapMs: number,
  ) {}

  /** Records one message to the number; true when it is beyond the flood limit. */
  isFlood(systemId: string, destination: string, now: number): boolean {
    if (this.limit <= 0) return false;
    pruneOlderThan(this.streaks, now - this.gapMs, (entry) => entry.last);
    const key = `${systemId}\u0000${destination}`;
    const entry = this.streaks.get(key);
    const streak = entry && now - entry.last < this.gapMs ? entry.streak + 1 : 1;
    this.streaks.delete(key);
    this.streaks.set(key, { last: now, streak });
    return streak > this.limit;
  }
}

export const DELIVERED: Outcome = { stat: 'DELIVRD', err: 0 };

function matches(rule: OutcomeRule, message: ReceivedMessage): boolean {
  if (rule.match instanceof RegExp) {
    rule.match.lastIndex = 0;
    if (rule.match.test(message.destination)) return true;
    rule.match.lastIndex = 0;
    return rule.match.test(message.text);
  }
  return rule.match(message);
}

/** Scripted per-destination outcome first, then the first matching rule, else delivered. */
export function resolveOutcome(
  message: ReceivedMessage,
  scripted: ReadonlyMap<string, Outcome>,
  rules: readonly OutcomeRule[],
): Outcome {
  const script = scripted.get(message.destination);
  if (script) return script;
  for (const rule of rules) {
    if (matches(rule, message)) {
      const { match: _match, ...outcome } = rule;
      return outcome;
    }
  }
  return DELIVERED;
}
