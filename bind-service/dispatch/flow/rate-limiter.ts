// The account's rate as a port (DESIGN: "Rate is a port"): one token bucket per account, shared by
// its binds. Throttling answers shrink the rate multiplicatively, successes grow it back slowly,
// never above the configured cap. The remaining parts of a long message already on the wire come
// first (the provider wants every part within a minute), then urgent waiters, then bulk ones, and
// `background` ones (the reconciler's QUERY_SM) only when none of those waits. At most one timer is
// armed, whatever the number of waiters.

import { DomainError } from '#core/domain/errors.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import { Fifo } from '#core/support/fifo.ts';

/**
 * Who asks for a token: a lane; `part`, a later part (or a resend) of a message whose first part is
 * on the wire; or background work that must never hold a lane back.
 */
export type RateClass = Priority | 'part' | 'background';

export interface RateLimiterOptions {
  /** The account's allowed rate (msg/s): the limiter never goes above it. */
  ratePerSecond: number;
  /** Where to start; default the cap. */
  initialRatePerSecond?: number;
  /** Floor for the adaptive rate; default 1 msg/s. */
  minRatePerSecond?: number;
  /** Multiplier applied on throttling; default 0.7. */
  decreaseFactor?: number;
  /** How many msg/s the rate regains per second of successful sending; default 5% of the cap (min 1). */
  recoveryPerSecond?: number;
  /** Sending pauses this long after a throttling answer; default 250 ms. */
  throttlePauseMs?: number;
  /**
   * Throttling answers arriving within this time of a decrease count as the same signal: a full
   * window of throttled answers must not collapse the rate to its floor. Default 500 ms.
   */
  decreaseCooldownMs?: number;
  /** Bucket depth in seconds of the current rate (min one token); default 0.1 s. */
  burstSeconds?: number;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
}

/** The timer's resolution in practice (Node's minimum is 1 ms; a loaded loop fires later). */
const TIMER_TICK_SECONDS = 0.004;

export class RateLimiterClosedError extends DomainError {
  readonly code = 'RATE_LIMITER_CLOSED';

  constructor() {
    super('rate limiter closed');
  }
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  /** Given up (its deadline passed): skipped, it takes no token. */
  cancelled?: boolean;
}

export class RateLimiter {
  private capRate: number;
  private rate: number;
  private floor: number;
  private readonly floorOption: number;
  private readonly decreaseFactor: number;
  /** The recovery given, if any; without one it is 5% of the cap, whatever the cap becomes. */
  private readonly recoveryOption: number | undefined;
  private readonly throttlePauseMs: number;
  private readonly decreaseCooldownMs: number;
  private readonly burstSeconds: number;
  private readonly now: () => number;
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  /**
   * When the last `ceil(cap)` tokens were taken, oldest at `sentNext`: a token is taken only once the
   * one `ceil(cap)` before it is a window (ceil(cap) / cap seconds, one second at a whole cap) old.
   */
  private sentAt: number[] = [];
  private sentNext = 0;
  private readonly parts = new Fifo<Waiter>();
  private readonly urgent = new Fifo<Waiter>();
  private readonly bulk = new Fifo<Waiter>();
  private readonly background = new Fifo<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: RateLimiterOptions) {
    const positive = (name: string, value: number) => {
      if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be > 0, got ${value}`);
      return value;
    };
    this.capRate = positive('ratePerSecond', options.ratePerSecond);
    this.floorOption = positive('minRatePerSecond', options.minRatePerSecond ?? 1);
    this.floor = Math.min(this.cap, this.floorOption);
    this.rate = Math.min(
      this.cap,
      Math.max(this.floor, positive('initialRatePerSecond', options.initialRatePerSecond ?? this.cap)),
    );
    this.decreaseFactor = options.decreaseFactor ?? 0.7;
    if (!(this.decreaseFactor > 0 && this.decreaseFactor < 1)) {
      throw new RangeError(`decreaseFactor must be in (0, 1), got ${this.decreaseFactor}`);
    }
    this.recoveryOption =
      options.recoveryPerSecond === undefined
        ? undefined
        : positive('recoveryPerSecond', options.recoveryPerSecond);
    this.throttlePauseMs = Math.max(0, options.throttlePauseMs ?? 250);
    this.decreaseCooldownMs = Math.max(0, options.decreaseCooldownMs ?? 500);
    this.burstSeconds = positive('burstSeconds', options.burstSeconds ?? 0.1);
    this.now = options.now ?? (() => performance.now());
    this.refilledAt = this.now();
    this.tokens = this.burst();
    this.resizeWindow();
  }

  /** The most this limiter lets through (msg/s). */
  get cap(): number {
    return this.capRate;
  }

  /**
   * A new cap: this task's share of a login whose slots several tasks hold (throughput × slots held /
   * binds). The adaptive rate keeps its place relative to the cap (a throttled login stays slowed).
   */
  setCap(ratePerSecond: number): void {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0 || ratePerSecond === this.capRate) return;
    const share = this.rate / this.capRate;
    this.capRate = ratePerSecond;
    this.floor = Math.min(this.capRate, this.floorOption);
    this.rate = Math.min(this.capRate, Math.max(this.floor, this.capRate * share));
    this.tokens = Math.min(this.tokens, this.burst());
    this.resizeWindow();
    this.rearm();
  }

  /**
   * Regained per second of accepted submits. Follows `setCap`: a task that takes every slot of a login
   * climbs back at 5% of the login's rate, not of the one slot's share it was built with.
   */
  private get recoveryPerSecond(): number {
    return this.recoveryOption ?? Math.max(1, this.cap * 0.05);
  }

  /** The adaptive rate in msg/s, between the floor and the cap. */
  get currentRate(): number {
    return this.rate;
  }

  get waiting(): number {
    return this.parts.size + this.urgent.size + this.bulk.size + this.background.size;
  }

  /**
   * Resolves when one message may be sent. FIFO within a lane; parts, then urgent, then bulk, then
   * background. An aborted `signal` rejects the wait with its reason and gives its place up without
   * a token.
   */
  wait(lane: RateClass = 'bulk', signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new RateLimiterClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.waiting === 0 && this.tokens >= 1 && !this.isPaused() && this.windowWait() === 0) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.queueOf(lane).push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          waiter.cancelled = true;
          reject(signal.reason);
        },
        { once: true },
      );
      this.arm();
    });
  }

  /** The SMSC answered ESME_RTHROTTLED: slow down and pause briefly. */
  onThrottled(): void {
    const now = this.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + this.throttlePauseMs);
    this.tokens = 0;
    this.refilledAt = now;
    if (now - this.lastDecreaseAt >= this.decreaseCooldownMs) {
      this.rate = Math.max(this.floor, this.rate * this.decreaseFactor);
      this.lastDecreaseAt = now;
    }
    this.rearm();
  }

  /** A submit was accepted: creep back toward the cap (about recoveryPerSecond per second). */
  onSuccess(): void {
    if (this.rate >= this.cap) return;
    this.rate = Math.min(this.cap, this.rate + this.recoveryPerSecond / this.rate);
  }

  /** Cancels the timer; waiters reject with RateLimiterClosedError. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const error = new RateLimiterClosedError();
    const waiters = [...this.parts.drain(), ...this.urgent.drain(), ...this.bulk.drain()];
    for (const waiter of [...waiters, ...this.background.drain()]) {
      waiter.reject(error);
    }
  }

  private queueOf(lane: RateClass): Fifo<Waiter> {
    if (lane === 'part') return this.parts;
    if (lane === 'urgent') return this.urgent;
    return lane === 'bulk' ? this.bulk : this.background;
  }

  /**
   * The bucket's depth: tokens a late timer (a busy event loop) did not use are kept for the next
   * wake, which the provider's per-second count allows as long as the window (`windowWait`) does.
   * With a bucket of one token each wake lost its lateness: 29.29 of 30 msg/s across two logins.
   */
  private burst(): number {
    return Math.max(1, this.rate * TIMER_TICK_SECONDS, this.rate * this.burstSeconds);
  }

  /**
   * The provider counts messages per second: no `ceil(cap)` tokens within a window, wherever the
   * second starts, however full the bucket. A full bucket plus a second's refill sent 32 in the first
   * second of a 30 msg/s mailing after idle. Milliseconds until the next token may go (0: now).
   */
  private windowWait(): number {
    const oldest = this.sentAt[this.sentNext] ?? Number.NEGATIVE_INFINITY;
    const windowMs = (this.sentAt.length * 1000) / this.capRate;
    return Math.max(0, oldest + windowMs - this.now());
  }

  private take(): void {
    this.tokens -= 1;
    this.sentAt[this.sentNext] = this.now();
    this.sentNext = (this.sentNext + 1) % this.sentAt.length;
  }

  /** A window of ceil(cap) tokens, keeping the latest ones taken. */
  private resizeWindow(): void {
    const size = Math.max(1, Math.ceil(this.capRate));
    if (size === this.sentAt.length) return;
    const taken = [...this.sentAt.slice(this.sentNext), ...this.sentAt.slice(0, this.sentNext)].filter(
      (at) => at !== undefined,
    );
    const kept = taken.slice(-size);
    this.sentAt = [...Array<number>(size - kept.length).fill(Number.NEGATIVE_INFINITY), ...kept];
    this.sentNext = 0;
  }

  private isPaused(): boolean {
    return this.now() < this.pausedUntil;
  }

  private refill(): void {
    const now = this.now();
    if (now < this.pausedUntil) {
      this.refilledAt = now;
      return;
    }
    const from = Math.max(this.refilledAt, this.pausedUntil);
    this.tokens = Math.min(this.burst(), this.tokens + ((now - from) * this.rate) / 1000);
    this.refilledAt = now;
  }

  private release(): void {
    this.refill();
    if (this.isPaused()) return;
    while (this.tokens >= 1 && this.windowWait() === 0) {
      const waiter =
        this.parts.shift() ?? this.urgent.shift() ?? this.bulk.shift() ?? this.background.shift();
      if (!waiter) return;
      if (waiter.cancelled) continue;
      this.take();
      waiter.resolve();
    }
  }

  private rearm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.arm();
  }

  private arm(): void {
    if (this.timer || this.waiting === 0 || this.closed) return;
    const now = this.now();
    const untilToken = this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.rate;
    const delay = Math.max(Math.max(this.pausedUntil - now, 0) + untilToken, this.windowWait());
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.release();
        this.arm();
      },
      Math.max(1, Math.ceil(delay)),
    );
  }
}
