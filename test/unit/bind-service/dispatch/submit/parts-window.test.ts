import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { sendParts } from '#bind-service/dispatch/submit/send-parts.ts';
import { SubmitWindow } from '#bind-service/smpp/connection/window.ts';
import type { SubmitFields, SubmitOutcome } from '#bind-service/smpp/index.ts';
import { longMessagePart } from './long-message-part.ts';

// The provider wants every part of a long message within a minute (err 241 otherwise): once the first
// part is on the wire, the rest go before any new message and never after the parts window.

describe('the parts of a long message', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('when a throttling storm hits part 2 while bulk messages wait, then every resend gets its token before them', async () => {
    // Prepare: 10 msg/s, no burst to speak of; 20 bulk messages queue for tokens.
    const rate = new RateLimiter({ ratePerSecond: 10, throttlePauseMs: 100, now: () => Date.now() });
    const order: string[] = [];
    let throttles = 5;
    const bind = {
      submit: async (fields: SubmitFields): Promise<SubmitOutcome> => {
        const index = fields.short_message[0] ?? 0;
        order.push(`part ${index}`);
        if (index === 2 && throttles > 0) {
          throttles -= 1;
          return { kind: 'throttled' };
        }
        return { kind: 'accepted', messageId: '77' };
      },
    };
    for (let i = 0; i < 20; i++) {
      void rate.wait('bulk').then(() => order.push(`bulk ${i}`));
    }
    const sending = sendParts(bind, [longMessagePart(1), longMessagePart(2), longMessagePart(3)], 'bulk', {
      rate,
    });
    // Act
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await sending;
    // Assess
    expect(result).toEqual({ kind: 'submitted', smscIds: ['77', '77', '77'] });
    // bulk 0 took the bucket's one token at once (part 1's token was the pipeline's); its promise
    // only settles a tick after part 1 went out. Every other bulk message waits for part 3.
    const beforeLastPart = order.slice(0, order.lastIndexOf('part 3') + 1);
    expect(beforeLastPart.filter((entry) => entry.startsWith('bulk'))).toEqual(['bulk 0']);
    expect(order.filter((entry) => entry === 'part 2')).toHaveLength(6);
  });

  it('when the sender gives up a long message at the parts window, then it tells the session no more parts come', async () => {
    // Prepare: part 2 throttled until the window ends; the session's last answer for it was part 1's.
    const rate = new RateLimiter({ ratePerSecond: 10, throttlePauseMs: 400, now: () => Date.now() });
    const ended: string[] = [];
    const bind = {
      submit: async (fields: SubmitFields): Promise<SubmitOutcome> =>
        fields.short_message[0] === 1 ? { kind: 'accepted', messageId: '5' } : { kind: 'throttled' },
      messageEnded: (messageId: string) => ended.push(messageId),
    };
    const policy = {
      maxTransientRetries: 3,
      transientBaseMs: 10,
      transientCapMs: 10,
      maxThrottledResends: 1000,
    };
    // Act
    const sending = sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate,
      policy,
      partsWindowMs: 3_000,
      messageId: 'm-1',
    });
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await sending;
    // Assess: without it, a graceful stop of that session waited its whole drain for part 2.
    expect(result).toMatchObject({ kind: 'unknown' });
    expect(ended).toEqual(['m-1']);
    rate.close();
  });

  it('when throttling lasts past the parts window, then the rest is not sent late and the outcome is unknown', async () => {
    // Prepare
    const rate = new RateLimiter({ ratePerSecond: 10, throttlePauseMs: 400, now: () => Date.now() });
    const sentAt: number[] = [];
    const start = Date.now();
    const bind = {
      submit: async (fields: SubmitFields): Promise<SubmitOutcome> => {
        sentAt.push(Date.now() - start);
        return fields.short_message[0] === 1 ? { kind: 'accepted', messageId: '5' } : { kind: 'throttled' };
      },
    };
    const policy = {
      maxTransientRetries: 3,
      transientBaseMs: 10,
      transientCapMs: 10,
      maxThrottledResends: 1000,
    };
    // Act
    const sending = sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'urgent', {
      rate,
      policy,
      partsWindowMs: 3_000,
    });
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await sending;
    // Assess
    expect(result).toMatchObject({ kind: 'unknown', smscIds: ['5'] });
    expect(result.kind === 'unknown' && result.reason).toMatch(/provider's minute.*part 2 of 2/);
    expect(Math.max(...sentAt)).toBeLessThan(3_000);
  });

  it('when the window is full, then a later part gets the next free slot before earlier-queued submits', async () => {
    // Prepare
    const window = new SubmitWindow<string>(1);
    window.tryAcquire();
    window.track(1, 'first', 1_000);
    const granted: string[] = [];
    void window.acquire().then(() => granted.push('new message'));
    void window.acquire('part').then(() => granted.push('part 2'));
    // Act
    window.settle(1);
    await Promise.resolve();
    // Assess
    expect(granted).toEqual(['part 2']);
  });

  it('when a token wait is aborted, then it takes no token and the next waiter gets it', async () => {
    // Prepare
    const rate = new RateLimiter({ ratePerSecond: 1, burstSeconds: 1, now: () => Date.now() });
    await rate.wait('bulk');
    const abort = new AbortController();
    const given: string[] = [];
    rate.wait('part', abort.signal).then(
      () => given.push('aborted waiter'),
      () => given.push('aborted'),
    );
    void rate.wait('bulk').then(() => given.push('bulk'));
    // Act
    abort.abort();
    await vi.advanceTimersByTimeAsync(1_100);
    // Assess
    expect(given).toEqual(['aborted', 'bulk']);
  });
});
