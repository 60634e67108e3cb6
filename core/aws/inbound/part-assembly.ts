import type { PartPayload } from '#core/domain/encoding/index.ts';

// What one part of a long incoming message does to the assembly item it meets (inbound-delivery-store.ts
// keeps it in DynamoDB). Pure, so the rules are tested without a table. Every part was acknowledged
// once stored and is never sent again, so a part is only ever dropped when a newer message shows
// that its own message cannot finish any more:
// - unfinished assembly, its latest part within the join horizon (an hour by default): a part for
//   an empty slot joins it (the SMSC holds what a dead bind did not answer until the next one); the
//   same octets again are that part sent again. A seeded part (below) or one an earlier version
//   stored as text gives way to whatever comes for its slot. Different octets in a slot are a new
//   message reusing the reference (8-bit references wrap at 256, some senders use a fixed one): the
//   assembly starts over and its parts are dropped.
// - unfinished assembly past the join horizon: started over with this part alone, its parts dropped.
//   The parts of one message reach the SMSC within seconds of one another and it sends them on
//   together; a gap between them is only our binds being down while the SMSC holds the rest, which a
//   restart or a deploy keeps to minutes. A part hours after the latest is no more likely the missing
//   one than the first part of the sender's next message reusing the reference: joining it would
//   record and publish the two glued ("old first half, new second half") and the new message's other
//   parts would begin an assembly that never completes. Dropping is the lesser loss: it is logged,
//   and nothing wrong is published.
// - recorded (finished) assembly, within the window since its latest part: a part equal to the
//   recorded one at its index is held (`held`), not discarded: it may be the first part of a new
//   message with a templated opening. Held parts covering every index were the whole message sent
//   again: nothing new, they are cleared. A part that differs begins a new message, seeded with the
//   held parts of lower index than its own (tentative: a different part for a seeded slot replaces
//   it). Only those: the SMSC sends a message's parts in order, so a held part that is the new
//   message's opening came before its later parts, while a held part at or after the index of the
//   part that differs is the recorded message's own part sent again (its answer lost) and the new
//   message's part for that slot is still to come. Seeded, it would count as that part and complete
//   the new message with the old one's text before its own part came (which then began an assembly
//   that never completes). Left out, the slot waits for the new message's part, whatever its octets.
//   Ambiguous only when a held part 1 meets a part 2 that comes before its own part 1: the same
//   as a templated opening sent in order, taken as that.
// - recorded assembly past the window: started over with this part alone.
// - any assembly past its TTL (`expiresAt`, a day after its latest part): started over with this
//   part alone. DynamoDB deletes expired items lazily, days late at times, so the item may still be
//   there: joining it would glue a new message to the leftover of one whose other parts never came.
//   Its parts are not reported dropped: the TTL removes leftovers as silently, and the loss dates
//   from when the day ran out, not from when a reused reference happens to meet it.

/** Attribute names of an assembly item. */
export const ATTR = {
  assemblyId: 'assemblyId',
  startedAt: 'startedAt',
  finished: 'finished',
  /**
   * The receivedAt of the latest part written: a recorded assembly's window runs from it, and an
   * unfinished one's join horizon.
   */
  lastAt: 'lastAt',
  /** Number set: indexes of parts of the recorded message sent again (candidates). */
  held: 'held',
  /** When the first held part came: the start of the message it may begin. */
  heldAt: 'heldAt',
  /** Bumped by every write: a decision taken on a read is written only if nothing changed since. */
  rev: 'rev',
  /** Inside a part's map: seeded from held parts, still tentative. */
  seeded: 'seeded',
} as const;

export const partAttr = (index: number): string => `p${index}`;

export interface PartToPlace {
  index: number;
  payload: PartPayload;
  /** ISO 8601. */
  receivedAt: string;
}

export type PartPlan =
  /** The plain write applies (the item changed or went since the write was refused): write again. */
  | { action: 'write' }
  /** A recorded message's part again, held; `clears` when with it every index is held. */
  | { action: 'hold'; clears: boolean }
  /** A new assembly in place of the item: this part and the `seeded` ones. */
  | {
      action: 'replace';
      seeded: Map<number, PartPayload>;
      startedAt: string;
      /** How many parts of an unfinished assembly are dropped with it. */
      dropped?: number;
    };

/** The times a part is placed against, the same for the plain write and the plan after it. */
export interface PlacingLimits {
  /** ISO time before which a recorded assembly's window (from its latest part) has ended. */
  cutoff: string;
  /** ISO time before which an unfinished assembly's latest part is past the join horizon. */
  joinCutoff: string;
  /** Epoch seconds an item's TTL (`expiresAt`) is read against. */
  nowSeconds: number;
}

/**
 * The plan for a part the plain write refused (the item is recorded, past its TTL or its join
 * horizon, or the part's slot holds other octets).
 */
export function planPart(
  item: Record<string, unknown> | undefined,
  part: PartToPlace,
  total: number,
  limits: PlacingLimits,
): PartPlan {
  if (!item) return { action: 'write' };
  if (isExpired(item, limits.nowSeconds))
    return { action: 'replace', seeded: new Map(), startedAt: part.receivedAt };
  const slot = item[partAttr(part.index)];
  if (item[ATTR.finished] === undefined) {
    const stored = storedPart(slot);
    if (isPastJoinHorizon(item, limits.joinCutoff)) {
      // The same octets in its slot are not lost: the part begins the new assembly again.
      const dropped = partsIn(item) - (samePayload(stored, part.payload) ? 1 : 0);
      return {
        action: 'replace',
        seeded: new Map(),
        startedAt: part.receivedAt,
        ...(dropped > 0 ? { dropped } : {}),
      };
    }
    if (typeof stored !== 'object' || isSeeded(slot) || samePayload(stored, part.payload)) {
      return { action: 'write' };
    }
    return { action: 'replace', seeded: new Map(), startedAt: part.receivedAt, dropped: partsIn(item) };
  }
  const latest = [item[ATTR.lastAt], item[ATTR.finished], item[ATTR.startedAt]]
    .map((at) => (typeof at === 'string' ? at : ''))
    .sort()
    .at(-1);
  if (latest === undefined || latest <= limits.cutoff)
    return { action: 'replace', seeded: new Map(), startedAt: part.receivedAt };
  const held = heldIndexes(item);
  if (samePayload(storedPart(slot), part.payload)) {
    held.add(part.index);
    return { action: 'hold', clears: held.size >= total };
  }
  // Only held parts before this one can be the new message's opening (see the header).
  const seeded = new Map<number, PartPayload>();
  for (const index of held) {
    const stored = storedPart(item[partAttr(index)]);
    if (index < part.index && typeof stored === 'object') seeded.set(index, stored);
  }
  const heldAt = item[ATTR.heldAt];
  return {
    action: 'replace',
    seeded,
    startedAt: seeded.size > 0 && typeof heldAt === 'string' ? heldAt : part.receivedAt,
  };
}

/** The parts in order when every one is there; a string is a part an earlier version stored decoded. */
export function assembled(
  item: Record<string, unknown>,
  total: number,
): (PartPayload | string)[] | undefined {
  const parts: (PartPayload | string)[] = [];
  for (let index = 1; index <= total; index++) {
    const stored = storedPart(item[partAttr(index)]);
    if (stored === undefined) return undefined;
    parts.push(stored);
  }
  return parts;
}

/** The parts an assembly item holds (attributes p1, p2, …). */
export function partsIn(item: Record<string, unknown>): number {
  return Object.keys(item).filter((name) => /^p\d+$/.test(name)).length;
}

/** A part attribute as written: its payload, or the text an earlier version stored. */
export function storedPart(value: unknown): PartPayload | string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const { octets, dataCoding } = value as Record<string, unknown>;
  return octets instanceof Uint8Array && typeof dataCoding === 'number' ? { octets, dataCoding } : undefined;
}

/**
 * Past its TTL: gone, though DynamoDB may not have deleted it yet. Every write sets `expiresAt`; an
 * item without one is taken as live, as the plain write's condition takes it, or the two would
 * disagree and the part would go round its turns.
 */
function isExpired(item: Record<string, unknown>, nowSeconds: number): boolean {
  const expiresAt = item.expiresAt;
  return typeof expiresAt === 'number' && expiresAt < nowSeconds;
}

/**
 * Unfinished and its latest part before `joinCutoff`: a part now begins a new message. An item
 * without `lastAt` (written by an earlier version) is taken as within it, as the plain write's
 * condition takes it, or the two would disagree and the part would go round its turns; such items
 * are at most a day old (their TTL) anyway.
 */
function isPastJoinHorizon(item: Record<string, unknown>, joinCutoff: string): boolean {
  const lastAt = item[ATTR.lastAt];
  return typeof lastAt === 'string' && lastAt < joinCutoff;
}

function isSeeded(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<string, unknown>)[ATTR.seeded] === true
  );
}

function samePayload(stored: PartPayload | string | undefined, payload: PartPayload): boolean {
  return (
    typeof stored === 'object' &&
    stored.dataCoding === payload.dataCoding &&
    Buffer.from(stored.octets).equals(payload.octets)
  );
}

/** The `held` number set as read (the document client gives a Set; anything else is none). */
function heldIndexes(item: Record<string, unknown>): Set<number> {
  const held = item[ATTR.held];
  return new Set(held instanceof Set ? [...held].map(Number) : []);
}
