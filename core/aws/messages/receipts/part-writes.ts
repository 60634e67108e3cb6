import { type MessageItem, type PartOutcome, smscIdCountOf } from '#core/aws/messages/message-item.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import { SUMMED_PART_FIELDS } from '#core/domain/receipts/missing-fields.ts';
import { summariseParts } from '#core/domain/receipts/part-outcomes.ts';

// SINGLE mode: how a part's first receipt goes into the message's `partOutcomes` map. The provider
// sends one message's part receipts nearly together, to one or several bind-service tasks, so the
// parts must not compete for the one MSG# item: a write conditional on the map as read (its size)
// lets one part win per round, and with 150 parts most lose every round and are refused.
//
// - A write that completes the set (by the item read) settles the message in the same write, on
//   condition that the map still has the size read: the summary it writes is exact.
// - Any other write is conditional only on its own part being absent and on the set staying
//   incomplete once it lands: `size(partOutcomes)` below what would complete it. Such writes do not
//   conflict with each other. When the parts read would let one of them complete the set after all
//   (another landed meanwhile), its condition fails and it is decided again on a fresh read, where
//   it is the settling write. So whichever write brings the last part settles, and the message is
//   never left `submitted` with every part reported; a separate settling write after a non-settling
//   one (a second read, a second write per part) is not needed.
// - With no map yet (written by markSubmitted, so only an older item) the part writes the whole map,
//   on condition that there is none; a lost race is decided again on a fresh read.
// - A part may first report stat:UNKNOWN and later have its final receipt replace it, which leaves
//   the size alone. A write settling from parts read as 'unknown' is therefore also conditional on
//   each of them still being 'unknown' (watchUnknownParts), up to MAX_WATCHED_UNKNOWN of them.

/** Whether the parts read and `smscId`'s new part make the set complete. */
export function completesParts(item: MessageItem, smscId: string, part: PartOutcome): boolean {
  return summariseParts(item.smscIds, { ...item.partOutcomes, [smscId]: part }, smscIdCountOf(item)).complete;
}

/** Sets `smscId`'s part, absent from the map read; `settles`: this write settles the message. */
export function setNewPart(
  update: UpdateExpressionBuilder,
  item: MessageItem,
  smscId: string,
  part: PartOutcome,
  settles: boolean,
): void {
  const parts = item.partOutcomes;
  if (!parts) {
    update.set('partOutcomes', { [smscId]: part });
    update.condition(`attribute_not_exists(${update.name('partOutcomes')})`);
    return;
  }
  update.set(['partOutcomes', smscId], part);
  if (settles) {
    // No part recorded since our read, so the summary settled from it is exact.
    conditionNoPartAdded(update, parts);
    return;
  }
  update.condition(`attribute_not_exists(${update.name('partOutcomes', smscId)})`);
  conditionStaysIncomplete(update, item, smscId);
}

/**
 * The condition that the set is still incomplete once this part lands. While the status read holds
 * (every receipt write is conditional on it; markSubmitted resets the map with a status change),
 * parts are only added, so the map's size bounds how many of the known ids have reported.
 */
function conditionStaysIncomplete(update: UpdateExpressionBuilder, item: MessageItem, smscId: string): void {
  const ids = new Set(item.smscIds);
  // A receipt for an id the message does not list (yet) is kept but completes nothing.
  if (!ids.has(smscId)) return;
  if (item.smscIds.length < smscIdCountOf(item)) {
    // An id is missing: nothing is complete until a late answer adds it, which changes the ids.
    update.condition(`size(${update.name('smscIds')}) = ${update.value(item.smscIds.length)}`);
    return;
  }
  // Keys of ids the message does not list count in the size without counting as reported.
  const unlisted = Object.keys(item.partOutcomes ?? {}).filter((id) => !ids.has(id)).length;
  // Reported after this write = size before − unlisted + 1, which must stay below the ids' count.
  const limit = item.smscIds.length - 1 + unlisted;
  update.condition(`size(${update.name('partOutcomes')}) < ${update.value(limit)}`);
}

/**
 * Whether a reported part lacks a field the message's sums are made of. A part's own receipt
 * filling it (missing-writes.ts) may then have landed between the settling write's read and its
 * write, unseen by the sum it wrote; its status condition held, the fill not changing the status.
 */
export function summedFromIncompleteParts(item: MessageItem, parts: Readonly<Record<string, PartOutcome>>) {
  return item.smscIds.some((id) => {
    const part = parts[id];
    return part !== undefined && SUMMED_PART_FIELDS.some((field) => part[field] === undefined);
  });
}

/**
 * How many other parts read as 'unknown' a settling write may be conditional on. Every watched part
 * that lands its final receipt fails the write once (another try on a fresh read), so the bound
 * keeps a write's losses, with a status change or two, below the attempts a receipt has (8): when
 * all parts of a long message replace their UNKNOWN at once, each write would otherwise wait on
 * every other and most would be refused, as new parts were before their writes stopped competing.
 * (Length is no concern at this size: a condition is some 100 characters with an SMPP message_id of
 * at most 64, and a PartiQL statement may have 8,192.)
 */
export const MAX_WATCHED_UNKNOWN = 4;

/**
 * Makes the settling `update` conditional on the parts other than `smscId` read as 'unknown' still
 * being so (other outcomes are final, and new parts change the size). False when there are more
 * than MAX_WATCHED_UNKNOWN: the write then rests on them unwatched and the caller must read again
 * after it (settledWrongly in message-receipts.ts).
 */
export function watchUnknownParts(
  update: UpdateExpressionBuilder,
  item: MessageItem,
  smscId: string,
): boolean {
  const unknown = Object.entries(item.partOutcomes ?? {})
    .filter(([id, part]) => id !== smscId && part.outcome === 'unknown')
    .map(([id]) => id);
  if (unknown.length > MAX_WATCHED_UNKNOWN) return false;
  for (const id of unknown) {
    update.condition(`${update.name('partOutcomes', id, 'outcome')} = ${update.value('unknown')}`);
  }
  return true;
}

/** Makes `update` conditional on no part having been added to `parts` (the map as read) since. */
export function conditionNoPartAdded(
  update: UpdateExpressionBuilder,
  parts: Readonly<Record<string, PartOutcome>>,
): void {
  update.condition(`size(${update.name('partOutcomes')}) = ${update.value(Object.keys(parts).length)}`);
}
