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
    update.condition(`size(${update.name('partOutcomes')}) = ${update.value(Object.keys(parts).length)}`);
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
