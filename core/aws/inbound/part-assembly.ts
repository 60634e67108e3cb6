import type { PartPayload } from '#core/domain/encoding/index.ts';

// What one part of a long incoming message does to the assembly item it meets (inbound-delivery-store.ts
// keeps it in DynamoDB). Pure, so the rules are tested without a table. Every part was acknowledged
// once stored and is never sent again, so a part is only ever dropped when a newer message shows
// that its own message cannot finish any more:
// - unfinished assembly: a part for an empty slot joins it, however late (the SMSC holds what a dead
//   bind did not answer until the next one); the same octets again are that part sent again. A
//   seeded part (below) or one an earlier version stored as text gives way to whatever comes for its
//   slot. Different octets in a slot are a new message reusing the reference (8-bit references
//   wrap at 256, some senders use a fixed one): the assembly starts over and its parts are dropped.
// - recorded (finished) assembly, within the window since its latest part: a part equal to the
//   recorded one at its index is held (`held`), not discarded: it may be the first part of a new
//   message with a templated opening. Held parts covering every index were the whole message sent
//   again: nothing new, they are cleared. A part that differs begins a new message, seeded with the
//   held parts (tentative: a different part for a seeded slot replaces it).
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
  /** The receivedAt of the latest part written: a recorded assembly's window runs from it. */
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

/**
 * The plan for a part the plain write refused (the item is recorded or past its TTL, or the part's
 * slot holds other octets). `cutoff` is the ISO time before which a recorded assembly's window has
 * ended; `nowSeconds` the epoch seconds its TTL is read against.
 */
export function planPart(
  item: Record<string, unknown> | undefined,
  part: PartToPlace,
  total: number,
  cutoff: string,
  nowSeconds: number,
): PartPlan {
  if (!item) return { action: 'write' };
  if (isExpired(item, nowSeconds))
    return { action: 'replace', seeded: new Map(), startedAt: part.receivedAt };
  const slot = item[partAttr(part.index)];
  if (item[ATTR.finished] === undefined) {
    const stored = storedPart(slot);
    if (typeof stored !== 'object' || isSeeded(slot) || samePayload(stored, part.payload)) {
      return { action: 'write' };
    }
    return { action: 'replace', seeded: new Map(), startedAt: part.receivedAt, dropped: partsIn(item) };
  }
  const latest = [item[ATTR.lastAt], item[ATTR.finished], item[ATTR.startedAt]]
    .map((at) => (typeof at === 'string' ? at : ''))
    .sort()
    .at(-1);
  if (latest === undefined || latest <= cutoff)
    return { action: 'replace', seeded: new Map(), startedAt: part.receivedAt };
  const held = heldIndexes(item);
  if (samePayload(storedPart(slot), part.payload)) {
    held.add(part.index);
    return { action: 'hold', clears: held.size >= total };
  }
  const seeded = new Map<number, PartPayload>();
  for (const index of held) {
    const stored = storedPart(item[partAttr(index)]);
    if (index !== part.index && typeof stored === 'object') seeded.set(index, stored);
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
