// The provider's anti-loop rules (its document, l. 99-101): it refuses an identical send request
// repeated within a minute, and blocks more than 50 messages to one subscriber sent less than 30 s
// apart (err 251, l. 278). We apply both before the SMSC sees the message, so a loop in a caller
// costs nothing and gets a clear answer. Configurable; on by default with the provider's values.

import { createHash } from 'node:crypto';
import type { PreparedMessage } from '#core/domain/messages/prepare-message.ts';
import { senderSent } from '#core/domain/requests/sender-id.ts';

export interface AntiLoopSettings {
  /** An identical message inside this window is refused; 0 turns the rule off. */
  duplicateWindowMs: number;
  /** Messages to one number, each less than `floodGapMs` after the previous, before refusal; 0 = off. */
  floodLimit: number;
  floodGapMs: number;
  /**
   * SMPP_DEFAULT_SENDER: what a message without `from` goes out as, so it is identical to one naming
   * that sender. Every runtime that asks the rules must know the one the bind-service sends with.
   */
  defaultSender?: string;
}

export const PROVIDER_ANTI_LOOP: AntiLoopSettings = {
  duplicateWindowMs: 60_000,
  floodLimit: 50,
  floodGapMs: 30_000,
};

export type AntiLoopVerdict =
  /**
   * `windowEndsAtMs`: the end of the duplicate window this message opened, when it opened one: what
   * closes it again if the message is never sent after all (AntiLoopGuard.withdraw).
   */
  | { verdict: 'allowed'; windowEndsAtMs?: number }
  /** `retryAfterSeconds`: until the identical request may be sent again. */
  | { verdict: 'duplicate'; retryAfterSeconds: number }
  /** `retryAfterSeconds`: the quiet gap that ends the streak. */
  | { verdict: 'flood'; retryAfterSeconds: number };

/** How a refused message is described on its record (queue path) and in the API's problem. */
export const ANTI_LOOP_ERRORS = {
  duplicate: {
    code: 'duplicate_request',
    name: 'Identical request within the duplicate window',
    description:
      'An identical message (recipient, sender, text) was accepted less than the duplicate window ago; ' +
      'the SMSC refuses identical requests within a minute, so it was not sent.',
  },
  flood: {
    code: 'flood_limit',
    name: 'Too many messages to one number',
    description:
      'The number already got the most messages allowed, each less than the flood gap after the ' +
      'previous; the SMSC blocks more than 50 such messages (err 251), so it was not sent.',
  },
} as const;

/**
 * What makes two requests identical for the SMSC: what it receives, not our own bookkeeping. The
 * sender is the one sent: `defaultSender` for a message without `from` (submitFieldsFor), so leaving
 * `from` out and naming the default sender are one request. Without a default sender it stays '', as
 * before it was known here: the windows of messages without `from` keep their fingerprint. A sender
 * is otherwise compared as written (trimmed, as addressFor sends it): "+7999…" goes out as TON 1 and
 * "7999…" with SMPP_SOURCE_ADDR_TON (5 by default), or with the "+" when autodetect is off; only the
 * bind-service reads those rules (bind-service/smpp/pdu/address.ts).
 */
export function messageFingerprint(prepared: PreparedMessage, defaultSender = ''): string {
  const sender = senderSent(prepared.kind, prepared.from, defaultSender).trim();
  const fields = [prepared.to, sender, prepared.kind, prepared.dataCoding, prepared.body];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);
}

/** What we keep per number (one small item): its streak and the identical-request windows. */
export interface NumberState {
  lastAtMs: number;
  /** Messages in a row, each less than the flood gap after the previous. */
  streak: number;
  /** Fingerprint of a message → end of its duplicate window (epoch ms). */
  sent: Record<string, number>;
  /**
   * Fingerprint → tag of the request that opened its window (its Idempotency-Key, or on the queue
   * path its message id): an attempt with that tag is the same request, not a duplicate of it.
   */
  keys?: Record<string, string>;
}

/**
 * Both rules on the number's state; `next` is the state to write when the message is allowed. A
 * refusal changes nothing: what the SMSC never sees does not extend its streak. `keyTag`: the tag of
 * the request's Idempotency-Key or message id, if it has one.
 */
export function decideAntiLoop(
  state: NumberState | undefined,
  fingerprint: string,
  now: number,
  settings: AntiLoopSettings,
  keyTag?: string,
): { verdict: AntiLoopVerdict; next?: NumberState } {
  const { duplicateWindowMs, floodLimit, floodGapMs } = settings;
  if (duplicateWindowMs > 0 && (state?.sent[fingerprint] ?? 0) > now) {
    // The same keyed request again: its earlier attempt was counted but not stored yet, or never
    // (its stored idempotency record would have answered first); or, on the queue path, the same
    // message asked again after a failure. Allowed on the window it opened, counted once; that
    // window is not this attempt's to close (a concurrent attempt with the key may have stored its
    // message meanwhile), and it lets every retry with the key through.
    if (keyTag !== undefined && state?.keys?.[fingerprint] === keyTag) {
      return { verdict: { verdict: 'allowed' } };
    }
    // Until the window ends: a caller told a whole window would wait up to twice as long as needed.
    const windowEndsAt = state?.sent[fingerprint] ?? now;
    return { verdict: { verdict: 'duplicate', retryAfterSeconds: secondsUntil(windowEndsAt, now) } };
  }
  const recent = state !== undefined && now - state.lastAtMs < floodGapMs;
  const streak = recent ? state.streak : 0;
  if (floodLimit > 0 && streak >= floodLimit) {
    // Until the quiet gap since the last message ends, which restarts the streak.
    return {
      verdict: {
        verdict: 'flood',
        retryAfterSeconds: secondsUntil((state?.lastAtMs ?? now) + floodGapMs, now),
      },
    };
  }
  // Windows that ended are dropped, so the item stays a few hundred bytes.
  const sent = Object.fromEntries(Object.entries(state?.sent ?? {}).filter(([, endsAt]) => endsAt > now));
  const keys = Object.fromEntries(Object.entries(state?.keys ?? {}).filter(([print]) => print in sent));
  if (duplicateWindowMs <= 0) {
    return { verdict: { verdict: 'allowed' }, next: { lastAtMs: now, streak: streak + 1, sent } };
  }
  const windowEndsAtMs = now + duplicateWindowMs;
  sent[fingerprint] = windowEndsAtMs;
  if (keyTag !== undefined) keys[fingerprint] = keyTag;
  keepNewestWindows(sent, keys, fingerprint);
  return {
    verdict: { verdict: 'allowed', windowEndsAtMs },
    next: { lastAtMs: now, streak: streak + 1, sent, ...(Object.keys(keys).length > 0 ? { keys } : {}) },
  };
}

/**
 * The most duplicate windows kept open per number. Each costs its item about 90 bytes (fingerprint,
 * end, request tag): without a bound, a number sent to without pause under a long window (or with
 * the flood rule off) outgrew DynamoDB's 400 KB item, and every message to it failed. At 300 the
 * item stays under 30 KB, and a batch's transaction of 100 of them under DynamoDB's 4 MB. Past it the
 * oldest windows close early: a repeat of one of those is then left to the SMSC's own one-minute rule.
 */
export const MAX_OPEN_WINDOWS = 300;

/**
 * The window just opened stays whatever its end: after the duplicate window was shortened, older
 * windows of the longer setting end later, and the new one must still refuse its own repeat.
 */
function keepNewestWindows(sent: Record<string, number>, keys: Record<string, string>, opened: string): void {
  const others = Object.entries(sent).filter(([print]) => print !== opened);
  if (others.length < MAX_OPEN_WINDOWS) return;
  others.sort(([, a], [, b]) => b - a);
  for (const [print] of others.slice(MAX_OPEN_WINDOWS - 1)) {
    delete sent[print];
    delete keys[print];
  }
}

/** Whole seconds from `now` until `at`, at least 1 (Retry-After: 0 would invite a retry at once). */
function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
