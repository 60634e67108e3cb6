import { describe, expect, it } from 'vitest';
import { type GroupCommitOptions, GroupCommitter, type Settled } from '#core/support/group-commit.ts';

/** A fake call: records each batch and stays in flight until released. */
function fakeCall<Result = string>(answer: (request: string) => Settled<Result> = okEcho as never) {
  const batches: string[][] = [];
  const releases: Array<(failure?: unknown) => void> = [];
  const flush: GroupCommitOptions<string, Result>['flush'] = (requests) => {
    batches.push([...requests]);
    return new Promise((resolve, reject) => {
      releases.push((failure) => (failure === undefined ? resolve(requests.map(answer)) : reject(failure)));
    });
  };
  /** Ends the oldest call still in flight. */
  const release = async (failure?: unknown) => {
    const next = releases.shift();
    if (!next) throw new Error('no call in flight');
    next(failure);
    await settle();
  };
  return {
    batches,
    flush,
    release,
    get inFlight() {
      return releases.length;
    },
  };
}

const okEcho = (request: string): Settled<string> => ({ ok: true, value: `done ${request}` });
/** Lets promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupCommitter', () => {
  it('when a request comes alone, then it goes at once in a call of its own', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 25 });
    // Act
    const result = committer.submit('a');
    // Assess
    expect(call.batches).toEqual([['a']]);
    await call.release();
    await expect(result).resolves.toBe('done a');
  });

  it('when requests arrive while a call is in flight, then they wait and go together in the next call', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 25 });
    const first = committer.submit('a');
    // Act
    const later = ['b', 'c', 'd'].map((request) => committer.submit(request));
    // Assess
    expect(call.batches).toEqual([['a']]);
    expect(committer.waiting).toBe(3);
    await call.release();
    expect(call.batches).toEqual([['a'], ['b', 'c', 'd']]);
    await call.release();
    expect(await Promise.all([first, ...later])).toEqual(['done a', 'done b', 'done c', 'done d']);
  });

  it('when more requests wait than a call takes, then each call carries at most maxBatch, in arrival order', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 2 });
    const results = ['a', 'b', 'c', 'd', 'e', 'f'].map((request) => committer.submit(request));
    // Act
    while (call.inFlight > 0) await call.release();
    // Assess
    expect(call.batches).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((r) => `done ${r}`));
  });

  it('when requests marked first arrive while others wait, then they go in the next call ahead of them, in their own order', async () => {
    // Prepare: one call in flight and a queue of ordinary requests.
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 2 });
    const ordinary = ['a', 'b', 'c', 'd'].map((request) => committer.submit(request));
    // Act
    const urgent = ['u1', 'u2'].map((request) => committer.submit(request, { first: true }));
    while (call.inFlight > 0) await call.release();
    // Assess
    expect(call.batches).toEqual([['a'], ['u1', 'u2'], ['b', 'c'], ['d']]);
    expect(await Promise.all([...ordinary, ...urgent])).toEqual(
      ['a', 'b', 'c', 'd', 'u1', 'u2'].map((r) => `done ${r}`),
    );
  });

  it('when requests marked last wait, then ordinary requests that arrive later go ahead of them, and first ones ahead of both', async () => {
    // Prepare: one call in flight and a queue of requests marked last (e.g. bulk claims, new work).
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 2 });
    const busy = committer.submit('a');
    const last = ['l1', 'l2', 'l3'].map((request) => committer.submit(request, { last: true }));
    // Act: an ordinary request (e.g. a receipt, which finishes work) and a first one arrive.
    const ordinary = committer.submit('b');
    const urgent = committer.submit('u1', { first: true });
    while (call.inFlight > 0) await call.release();
    // Assess
    expect(call.batches).toEqual([['a'], ['u1', 'b'], ['l1', 'l2'], ['l3']]);
    expect(await Promise.all([busy, ...last, ordinary, urgent])).toEqual(
      ['a', 'l1', 'l2', 'l3', 'b', 'u1'].map((r) => `done ${r}`),
    );
  });

  it('when first requests arrive while every ordinary call is busy and they have calls of their own, then they go at once', async () => {
    // Prepare: the one ordinary call in flight and ordinary requests waiting.
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 25, firstCalls: true });
    const ordinary = ['a', 'b', 'c'].map((request) => committer.submit(request));
    // Act
    const urgent = committer.submit('u1', { first: true });
    const second = committer.submit('u2', { first: true });
    // Assess: u1 did not wait for 'a'; u2 waits, as the one call for first requests is busy with u1.
    expect(call.batches).toEqual([['a'], ['u1']]);
    expect(call.inFlight).toBe(2);
    while (call.inFlight > 0) await call.release();
    expect(call.batches).toEqual([['a'], ['u1'], ['b', 'c'], ['u2']]);
    expect(await Promise.all([...ordinary, urgent, second])).toEqual(
      ['a', 'b', 'c', 'u1', 'u2'].map((r) => `done ${r}`),
    );
  });

  it('when first requests and ordinary ones both wait, then neither rides in nor waits for the calls of the other', async () => {
    // Prepare: an ordinary call in flight, ordinary requests waiting, the first requests' call busy.
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 25, firstCalls: true });
    const ordinary = ['a', 'b', 'c'].map((request) => committer.submit(request));
    const urgent = ['u1', 'u2', 'u3'].map((request) => committer.submit(request, { first: true }));
    // Act: the ordinary call ends first.
    await call.release();
    // Assess: a 25-statement call is answered later than a short one (DynamoDB Local under a bulk
    // drain: p99 1.25 s against 0.2 s), so u2 and u3 stay out of it; and while urgent claims keep
    // coming (every single send is urgent), the receipts' updates still get calls.
    expect(call.batches).toEqual([['a'], ['u1'], ['b', 'c']]);
    while (call.inFlight > 0) await call.release();
    expect(call.batches).toEqual([['a'], ['u1'], ['b', 'c'], ['u2', 'u3']]);
    expect(await Promise.all([...ordinary, ...urgent])).toEqual(
      ['a', 'b', 'c', 'u1', 'u2', 'u3'].map((r) => `done ${r}`),
    );
  });

  it('when no first request waits, then the calls kept for them stay unused', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 1, firstCalls: true });
    // Act
    const results = ['a', 'b', 'c'].map((request) => committer.submit(request));
    // Assess
    expect(call.batches).toEqual([['a']]);
    while (call.inFlight > 0) await call.release();
    expect(await Promise.all(results)).toHaveLength(3);
  });

  it('when several calls may be in flight, then requests go at once until all are busy', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 25, maxInFlight: 2 });
    // Act
    const results = ['a', 'b', 'c', 'd'].map((request) => committer.submit(request));
    // Assess
    expect(call.batches).toEqual([['a'], ['b']]);
    await call.release();
    expect(call.batches).toEqual([['a'], ['b'], ['c', 'd']]);
    await call.release();
    await call.release();
    expect(await Promise.all(results)).toHaveLength(4);
  });

  it('when a call fails, then only that call’s callers get its error and the next call still goes', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 2 });
    const outcomes = Promise.allSettled(['a', 'b', 'c', 'd'].map((request) => committer.submit(request)));
    const failure = new Error('throttled');
    // Act
    await call.release();
    await call.release(failure);
    await call.release();
    // Assess
    expect(call.batches).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(await outcomes).toEqual([
      { status: 'fulfilled', value: 'done a' },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 'done d' },
    ]);
  });

  it('when one item of a call fails on its own, then only its caller gets the error', async () => {
    // Prepare
    const call = fakeCall((request) =>
      request === 'b' ? { ok: false, error: new Error(`no ${request}`) } : okEcho(request),
    );
    const committer = new GroupCommitter({ flush: call.flush, maxBatch: 25 });
    const first = committer.submit('first');
    const outcomes = Promise.allSettled(['a', 'b', 'c'].map((request) => committer.submit(request)));
    // Act
    await call.release();
    await call.release();
    // Assess
    await expect(first).resolves.toBe('done first');
    expect(await outcomes).toEqual([
      { status: 'fulfilled', value: 'done a' },
      { status: 'rejected', reason: new Error('no b') },
      { status: 'fulfilled', value: 'done c' },
    ]);
  });

  it('when the flush answers for fewer requests than it was given, then its callers get an error', async () => {
    // Prepare
    const committer = new GroupCommitter<string, string>({ flush: async () => [], maxBatch: 25 });
    // Act
    const result = committer.submit('a');
    // Assess
    await expect(result).rejects.toThrow('flush answered 0 of 1');
  });

  it('when two waiting requests touch the same key, then they go in different calls and the others keep their order', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({
      flush: call.flush,
      maxBatch: 25,
      keysOf: (request: string) => [request.slice(0, 1)],
    });
    committer.submit('x');
    const results = ['a1', 'b1', 'a2', 'c1'].map((request) => committer.submit(request));
    // Act
    while (call.inFlight > 0) await call.release();
    // Assess
    expect(call.batches).toEqual([['x'], ['a1', 'b1', 'c1'], ['a2']]);
    expect(await Promise.all(results)).toEqual(['done a1', 'done b1', 'done a2', 'done c1']);
  });

  it('when requests have weights, then a call carries no more than maxWeight, and a heavy one goes alone', async () => {
    // Prepare
    const call = fakeCall();
    const committer = new GroupCommitter({
      flush: call.flush,
      maxBatch: 25,
      weigh: (request: string) => request.length,
      maxWeight: 4,
    });
    committer.submit('x');
    const results = ['aa', 'bb', 'c', 'dddddd', 'e'].map((request) => committer.submit(request));
    // Act
    while (call.inFlight > 0) await call.release();
    // Assess
    expect(call.batches).toEqual([['x'], ['aa', 'bb'], ['c'], ['dddddd'], ['e']]);
    expect(await Promise.all(results)).toHaveLength(5);
  });

  it('when maxBatch or maxInFlight is below 1, then the committer refuses to start', () => {
    // Prepare
    const flush = async () => [];
    // Act / Assess
    expect(() => new GroupCommitter({ flush, maxBatch: 0 })).toThrow(RangeError);
    expect(() => new GroupCommitter({ flush, maxBatch: 1, maxInFlight: 0 })).toThrow(RangeError);
  });
});
