import { describe, expect, it } from 'vitest';
import { assembled, type PartToPlace, planPart } from '#core/aws/inbound/part-assembly.ts';

const CUTOFF = '2030-01-01T00:00:00.000Z';
const WITHIN = '2030-01-01T00:05:00.000Z';
const BEFORE = '2029-12-31T23:55:00.000Z';
/** When the parts below come, in epoch seconds: what an item's TTL (`expiresAt`) is read against. */
const NOW_SECONDS = Date.parse('2030-01-01T00:06:00.000Z') / 1000;
/** An hour before the parts below come: an unfinished assembly's latest part before it is stale. */
const JOIN_CUTOFF = '2029-12-31T23:06:00.000Z';
const LIMITS = { cutoff: CUTOFF, joinCutoff: JOIN_CUTOFF, nowSeconds: NOW_SECONDS };
/** Three hours before the parts below come: past the join horizon. */
const HOURS_AGO = '2029-12-31T21:06:00.000Z';

const payload = (text: string) => ({ octets: Buffer.from(text, 'latin1'), dataCoding: 0 });
const part = (index: number, text: string): PartToPlace => ({
  index,
  payload: payload(text),
  receivedAt: '2030-01-01T00:06:00.000Z',
});

/** A recorded assembly of two parts, A and B, recorded within the window unless told. */
const recorded = (extra: Record<string, unknown> = {}) => ({
  assemblyId: 'first',
  startedAt: WITHIN,
  finished: WITHIN,
  p1: payload('A'),
  p2: payload('B'),
  ...extra,
});

describe('planPart: an unfinished assembly', () => {
  it('when the item went since the write was refused, then the part is written again', () => {
    // Act
    const plan = planPart(undefined, part(1, 'A'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'write' });
  });

  it('when the part’s slot is empty and the latest part came minutes ago (the bind was down), then it joins it', () => {
    // Prepare: its latest part came before the recorded window's cutoff, within the join horizon.
    const item = { assemblyId: 'first', startedAt: BEFORE, lastAt: BEFORE, p1: payload('A') };
    // Act
    const plan = planPart(item, part(2, 'B'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'write' });
  });

  it('when the slot holds the same octets, then it is that part sent again: written again, nothing dropped', () => {
    // Act
    const plan = planPart(
      { assemblyId: 'first', startedAt: WITHIN, p1: payload('A') },
      part(1, 'A'),
      2,
      LIMITS,
    );
    // Assess
    expect(plan).toEqual({ action: 'write' });
  });

  it('when the slot holds other octets, then a new message reused the reference: started over, the parts held dropped', () => {
    // Prepare
    const item = { assemblyId: 'first', startedAt: WITHIN, p1: payload('A'), p3: payload('C') };
    // Act
    const plan = planPart(item, part(1, 'X'), 3, LIMITS);
    // Assess
    expect(plan).toEqual({
      action: 'replace',
      seeded: new Map(),
      startedAt: part(1, 'X').receivedAt,
      dropped: 2,
    });
  });

  it('when the part’s slot is empty but the assembly is past its TTL (DynamoDB not yet deleted it), then it starts over with the part alone, nothing reported dropped', () => {
    // Prepare: part 1 of a message whose part 2 never came, its day run out a second ago.
    const item = { assemblyId: 'first', startedAt: BEFORE, p1: payload('A'), expiresAt: NOW_SECONDS - 1 };
    // Act
    const plan = planPart(item, part(2, 'B'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'replace', seeded: new Map(), startedAt: part(2, 'B').receivedAt });
  });

  it('when the assembly’s TTL is this very second, then it is still live: the part joins it', () => {
    // Prepare
    const item = { assemblyId: 'first', startedAt: BEFORE, p1: payload('A'), expiresAt: NOW_SECONDS };
    // Act
    const plan = planPart(item, part(2, 'B'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'write' });
  });

  it('when the part’s slot is empty but the latest part came hours ago, then a new message reused the reference: started over with it alone, the parts held dropped', () => {
    // Prepare: part 1 of a message whose part 2 never came, three hours ago.
    const item = { assemblyId: 'first', startedAt: HOURS_AGO, lastAt: HOURS_AGO, p1: payload('A') };
    // Act
    const plan = planPart(item, part(2, 'b'), 2, LIMITS);
    // Assess: joining would complete "A" + "b", two messages glued.
    expect(plan).toEqual({
      action: 'replace',
      seeded: new Map(),
      startedAt: part(2, 'b').receivedAt,
      dropped: 1,
    });
  });

  it('when the same part comes again hours after the latest, then it starts over alone and is not counted dropped', () => {
    // Prepare
    const item = {
      assemblyId: 'first',
      startedAt: HOURS_AGO,
      lastAt: HOURS_AGO,
      p1: payload('A'),
      p3: payload('C'),
    };
    // Act
    const plan = planPart(item, part(1, 'A'), 3, LIMITS);
    // Assess: only part 3 is lost.
    expect(plan).toEqual({
      action: 'replace',
      seeded: new Map(),
      startedAt: part(1, 'A').receivedAt,
      dropped: 1,
    });
  });

  it('when an earlier version’s assembly (no lastAt) has the part’s slot empty, then it joins it, as the plain write’s condition takes it', () => {
    // Prepare
    const item = { assemblyId: 'first', startedAt: HOURS_AGO, p1: 'A' };
    // Act
    const plan = planPart(item, part(2, 'B'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'write' });
  });

  it('when the slot holds a seeded part or text an earlier version stored, then any part for it replaces it', () => {
    // Prepare
    const item = {
      assemblyId: 'first',
      startedAt: WITHIN,
      p1: { ...payload('A'), seeded: true },
      p2: 'old text',
    };
    // Act
    const plans = [planPart(item, part(1, 'X'), 2, LIMITS), planPart(item, part(2, 'Y'), 2, LIMITS)];
    // Assess
    expect(plans).toEqual([{ action: 'write' }, { action: 'write' }]);
  });
});

describe('planPart: a recorded assembly', () => {
  it('when a part equal to the recorded one comes within the window, then it is held, not yet cleared', () => {
    // Act
    const plan = planPart(recorded(), part(1, 'A'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'hold', clears: false });
  });

  it('when the held parts come to cover every index, then it was the whole message again: cleared', () => {
    // Act
    const plan = planPart(recorded({ held: new Set([1]) }), part(2, 'B'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'hold', clears: true });
  });

  it('when a part differs from the recorded one, then a new message begins, seeded with the held parts from when they came', () => {
    // Prepare
    const item = recorded({ held: new Set([1]), heldAt: '2030-01-01T00:05:30.000Z' });
    // Act
    const plan = planPart(item, part(2, 'Y'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({
      action: 'replace',
      seeded: new Map([[1, payload('A')]]),
      startedAt: '2030-01-01T00:05:30.000Z',
    });
  });

  it('when a part differs and the held part comes at or after its index, then that held part is the recorded message’s sent again: not seeded', () => {
    // Prepare: part 2 of the recorded message came again (its answer lost); a new message's part 1.
    const item = recorded({ held: new Set([2]), heldAt: '2030-01-01T00:05:30.000Z' });
    // Act
    const plans = [planPart(item, part(1, 'X'), 2, LIMITS), planPart(item, part(2, 'Y'), 2, LIMITS)];
    // Assess: seeded, the old part 2 would complete the new message before its own part 2 came.
    expect(plans).toEqual([
      { action: 'replace', seeded: new Map(), startedAt: part(1, 'X').receivedAt },
      { action: 'replace', seeded: new Map(), startedAt: part(2, 'Y').receivedAt },
    ]);
  });

  it('when a part differs and nothing is held, then a new message begins with it alone, nothing dropped', () => {
    // Act
    const plan = planPart(recorded(), part(1, 'X'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'replace', seeded: new Map(), startedAt: part(1, 'X').receivedAt });
  });

  it('when its window ended (from its latest part), then even an equal part starts a new message alone', () => {
    // Prepare
    const item = recorded({ startedAt: BEFORE, finished: BEFORE, lastAt: BEFORE, held: new Set([2]) });
    // Act
    const plan = planPart(item, part(1, 'A'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'replace', seeded: new Map(), startedAt: part(1, 'A').receivedAt });
  });

  it('when a part was held lately on an assembly recorded before the window, then the window runs from that part', () => {
    // Prepare
    const item = recorded({ startedAt: BEFORE, finished: BEFORE, lastAt: WITHIN, held: new Set([1]) });
    // Act
    const plan = planPart(item, part(2, 'B'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'hold', clears: true });
  });

  it('when an equal part comes within the window but the assembly is past its TTL, then it starts a new message alone', () => {
    // Prepare
    const item = recorded({ held: new Set([2]), expiresAt: NOW_SECONDS - 1 });
    // Act
    const plan = planPart(item, part(1, 'A'), 2, LIMITS);
    // Assess
    expect(plan).toEqual({ action: 'replace', seeded: new Map(), startedAt: part(1, 'A').receivedAt });
  });

  it('when the recorded part is text an earlier version stored, then a part for it is taken as a new message', () => {
    // Act
    const plan = planPart(recorded({ p1: 'A' }), part(1, 'A'), 2, LIMITS);
    // Assess
    expect(plan).toMatchObject({ action: 'replace' });
  });
});

describe('assembled', () => {
  it('when every part is there, seeded, stored as payload or as text, then they come in order without their marks', () => {
    // Act
    const parts = assembled({ p2: 'two', p1: { ...payload('one'), seeded: true } }, 2);
    // Assess
    expect(parts).toEqual([payload('one'), 'two']);
  });

  it('when a part is missing, then there is nothing to assemble', () => {
    // Act
    const parts = assembled({ p1: payload('one') }, 2);
    // Assess
    expect(parts).toBeUndefined();
  });
});
