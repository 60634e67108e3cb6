import { describe, expect, it } from 'vitest';
import { BindPool, type PooledBind, type PoolSubmitter } from '#bind-service/dispatch/binds/bind-pool.ts';
import type { SessionState, SubmitFields, SubmitOutcome } from '#bind-service/smpp/index.ts';
import { MEGABYTE, retainedBytesAfter } from '#test/helpers/retained-heap.ts';

/** A session as the pool sees it; submit() takes a slot at once or queues, like the engine's. */
class FakeBind implements PooledBind {
  private waiters: (() => void)[] = [];
  /** Texts submitted here, in order. */
  readonly sent: string[] = [];
  queuedSubmits = 0;

  constructor(
    public availableSlots: number,
    public state: SessionState = 'bound',
  ) {}

  get isBound(): boolean {
    return this.state === 'bound';
  }

  whenSlotFree(): Promise<void> {
    if (this.availableSlots > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  free(slots: number): void {
    this.availableSlots += slots;
    for (const wake of this.waiters.splice(0)) wake();
  }

  submit(fields: SubmitFields): Promise<SubmitOutcome> {
    if (!this.isBound) return Promise.resolve({ kind: 'not-sent', reason: 'not-bound' });
    this.sent.push(fields.short_message.toString());
    if (this.availableSlots > 0) this.availableSlots -= 1;
    else this.queuedSubmits += 1;
    return Promise.resolve({ kind: 'accepted', messageId: `id-${this.sent.length}` });
  }
}

const sms = (text: string): SubmitFields => ({
  source_addr: 'Test',
  source_addr_ton: 5,
  source_addr_npi: 0,
  destination_addr: '79990000001',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  esm_class: 0,
  data_coding: 0,
  short_message: Buffer.from(text),
  registered_delivery: 1,
});

describe('BindPool', () => {
  it('when several binds have room, then the one with the most free slots is picked', () => {
    // Prepare
    const a = new FakeBind(3);
    const b = new FakeBind(7);
    // Act / Assess
    expect(new BindPool([a, b]).pick()).toBe(b);
  });

  it('when every window is full, then acquire waits until a slot frees up', async () => {
    // Prepare
    const a = new FakeBind(0);
    const pool = new BindPool([a]);
    let got: PoolSubmitter<FakeBind> | undefined;
    // Act
    const acquiring = pool.acquire().then((bind) => {
      got = bind;
    });
    await Promise.resolve();
    const whileFull = got;
    a.free(1);
    await acquiring;
    // Assess
    expect(whileFull).toBeUndefined();
    await got?.submit(sms('m'));
    expect(got?.session).toBe(a);
  });

  it('when the stop signal aborts a wait, then acquire resolves with no bind', async () => {
    // Prepare
    const pool = new BindPool([new FakeBind(0)]);
    const stop = new AbortController();
    // Act
    const acquiring = pool.acquire(stop.signal);
    stop.abort();
    // Assess
    expect(await acquiring).toBeUndefined();
  });

  it('when every bind is stopped, then the pool is closed and acquire gives up', async () => {
    // Prepare
    const pool = new BindPool([new FakeBind(0, 'stopped'), new FakeBind(0, 'stopping')]);
    // Act / Assess
    expect(pool.closed).toBe(true);
    expect(await pool.acquire()).toBeUndefined();
  });

  it.each([
    ['a stop signal the pool outlives', true],
    ['no signal', false],
  ])(
    'when 20,000 waits for a free slot (with %s) have ended, then they leave nothing behind',
    async (_, withSignal) => {
      // Prepare: one bind with a full window.
      const bind = new FakeBind(0);
      const pool = new BindPool([bind]);
      const running = new AbortController();
      // Act: each wait ends when a slot frees, and the slot is taken again.
      const retained = await retainedBytesAfter(async () => {
        for (let i = 0; i < 20_000; i++) {
          const waiting = pool.whenAnySlotFree(withSignal ? running.signal : undefined);
          bind.free(1);
          await waiting;
          bind.availableSlots = 0;
        }
      });
      // Assess: a wait that kept a reaction on a promise living as long as the signal (or forever,
      // without one) kept a few hundred bytes each.
      expect(running.signal.aborted).toBe(false);
      expect(retained).toBeLessThan(MEGABYTE);
    },
  );

  it('when messages acquire the pool before any of them submits, then their first submits spread over the sessions, each where most slots are free then', async () => {
    // Prepare: two sessions, window 3 each.
    const a = new FakeBind(3);
    const b = new FakeBind(3);
    const pool = new BindPool([a, b]);
    // Act: what concurrent pipelines do: acquire (then claim, token), then submit.
    const messages = await Promise.all(Array.from({ length: 6 }, () => pool.acquire()));
    await Promise.all(messages.map((message, i) => message?.submit(sms(`m${i}`))));
    // Assess
    expect({ a: a.sent, b: b.sent }).toEqual({ a: ['m0', 'm2', 'm4'], b: ['m1', 'm3', 'm5'] });
    expect([a.availableSlots, b.availableSlots]).toEqual([0, 0]);
  });

  it('when every window is full, then a first submit queues on the session with the fewest submits waiting', async () => {
    // Prepare
    const a = new FakeBind(0);
    const b = new FakeBind(0);
    a.queuedSubmits = 2;
    b.queuedSubmits = 1;
    const pool = new BindPool([a, b]);
    // Act: both acquire when a slot of b frees; another caller takes it before they submit.
    const messages = [pool.acquire(), pool.acquire()];
    b.free(1);
    const ready = await Promise.all(messages);
    b.availableSlots = 0;
    await ready[0]?.submit(sms('one'));
    await ready[1]?.submit(sms('two'));
    // Assess: one waits on b (1 queued before), then a and b have 2 waiting each, a comes first.
    expect({ a: a.sent, b: b.sent, queued: [a.queuedSubmits, b.queuedSubmits] }).toEqual({
      a: ['two'],
      b: ['one'],
      queued: [3, 2],
    });
  });

  it('when a message has more parts or resends a part, then they follow its first part on the same session', async () => {
    // Prepare
    const a = new FakeBind(2);
    const b = new FakeBind(1);
    const pool = new BindPool([a, b]);
    const message = await pool.acquire();
    // Act: part 1 goes to a; b then has as many free slots, and more once a fills up.
    await message?.submit(sms('part 1'));
    await message?.submit(sms('part 2'));
    b.free(5);
    await message?.submit(sms('part 2 again'));
    // Assess
    expect(message?.session).toBe(a);
    expect({ a: a.sent, b: b.sent }).toEqual({ a: ['part 1', 'part 2', 'part 2 again'], b: [] });
  });

  it('when a message acquired never submits (stopped, expired, claimed elsewhere), then no window slot is held for it', async () => {
    // Prepare
    const a = new FakeBind(1);
    const pool = new BindPool([a]);
    const stop = new AbortController();
    // Act: one message acquires and is dropped before its submit; the next one finds the slot free.
    const dropped = await pool.acquire(stop.signal);
    stop.abort();
    const next = await pool.acquire();
    await next?.submit(sms('next'));
    // Assess
    expect(dropped?.session).toBeUndefined();
    expect({ sent: a.sent, availableSlots: a.availableSlots }).toEqual({ sent: ['next'], availableSlots: 0 });
  });

  it('when the session free at acquire unbinds or leaves the pool before the submit, then the submit goes to a bound session of the pool', async () => {
    // Prepare
    const a = new FakeBind(3);
    const b = new FakeBind(1);
    const c = new FakeBind(2);
    const pool = new BindPool([a, b, c]);
    const first = await pool.acquire();
    const second = await pool.acquire();
    // Act: a's link drops (isBound false, no slots), c leaves the pool as its slot is given up.
    a.state = 'connecting';
    a.availableSlots = 0;
    pool.remove(c);
    await first?.submit(sms('first'));
    await second?.submit(sms('second'));
    // Assess
    expect({ a: a.sent, b: b.sent, c: c.sent }).toEqual({ a: [], b: ['first', 'second'], c: [] });
  });

  it('when no session is bound at the submit, then it goes to the session free at acquire, which answers not sent', async () => {
    // Prepare
    const a = new FakeBind(1);
    const pool = new BindPool([a]);
    const message = await pool.acquire();
    a.state = 'connecting';
    // Act
    const outcome = await message?.submit(sms('m'));
    // Assess
    expect(outcome).toEqual({ kind: 'not-sent', reason: 'not-bound' });
    expect(message?.session).toBe(a);
  });
});
