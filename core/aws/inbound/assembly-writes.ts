import type { PartPayload } from '#core/domain/encoding/index.ts';
import { ATTR, type PartPlan, type PartToPlace, type PlacingLimits, partAttr } from './part-assembly.ts';

// The conditions and updates of the writes to an assembly item (inbound-delivery-store.ts sends
// them), kept apart so the store reads as the order of its writes. Every write bumps `rev`: a write
// planned on a read (`unchanged`) lands only if nothing was written since, so no part a concurrent
// bind stored in between is lost or left uncounted.

export const KIND = 'mo-parts';

/** What an UpdateItem takes besides its table and key. */
export interface AssemblyUpdate {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

export interface PartWrite extends PartToPlace {
  total: number;
}

/**
 * The plain write: joins an unfinished assembly within its TTL and its join horizon (its latest part
 * after `joinCutoff`; an item without `lastAt` is taken as within, as planPart takes it), or starts
 * one, where the part's slot is empty, seeded, legacy text or the same octets; refused otherwise,
 * for planPart to decide. An expired or stale item is refused rather than written over: this write
 * would keep its other parts and id.
 */
export function plainWrite(
  part: PartWrite,
  newId: string,
  expiresAt: number,
  limits: Pick<PlacingLimits, 'joinCutoff' | 'nowSeconds'>,
): AssemblyUpdate {
  return {
    UpdateExpression:
      'SET #part = :payload, #startedAt = if_not_exists(#startedAt, :now), ' +
      '#assemblyId = if_not_exists(#assemblyId, :id), #kind = :kind, #total = :total, ' +
      '#expiresAt = :expiresAt, #lastAt = :now ADD #rev :one',
    ConditionExpression:
      'attribute_not_exists(pk) OR (attribute_not_exists(#finished) AND ' +
      '(attribute_not_exists(#expiresAt) OR #expiresAt >= :nowSeconds) AND ' +
      '(attribute_not_exists(#lastAt) OR #lastAt >= :joinCutoff) AND (attribute_not_exists(#part) OR ' +
      'attribute_type(#part, :text) OR attribute_exists(#part.#seeded) OR ' +
      '(#part.#octets = :octets AND #part.#dataCoding = :dataCoding)))',
    ExpressionAttributeNames: {
      ...names(ATTR.finished, ATTR.startedAt, ATTR.assemblyId, ATTR.lastAt, ATTR.rev, ATTR.seeded),
      ...names('kind', 'total', 'expiresAt', 'octets', 'dataCoding'),
      '#part': partAttr(part.index),
    },
    ExpressionAttributeValues: {
      ':payload': payloadOf(part.payload),
      ':octets': part.payload.octets,
      ':dataCoding': part.payload.dataCoding,
      ':text': 'S',
      ':now': part.receivedAt,
      ':id': newId,
      ':kind': KIND,
      ':total': part.total,
      ':expiresAt': expiresAt,
      ':nowSeconds': limits.nowSeconds,
      ':joinCutoff': limits.joinCutoff,
      ':one': 1,
    },
  };
}

/** Holds a recorded message's part sent again; with `clears`, every index was: all cleared. */
export function holdWrite(
  old: Record<string, unknown>,
  part: PartWrite,
  clears: boolean,
  expiresAt: number,
): AssemblyUpdate {
  const guard = unchanged(old);
  return {
    UpdateExpression: clears
      ? 'REMOVE #held, #heldAt SET #lastAt = :now, #expiresAt = :expiresAt ADD #rev :one'
      : 'SET #heldAt = if_not_exists(#heldAt, :now), #lastAt = :now, #expiresAt = :expiresAt ' +
        'ADD #held :index, #rev :one',
    ConditionExpression: guard.ConditionExpression,
    ExpressionAttributeNames: {
      ...guard.ExpressionAttributeNames,
      ...names(ATTR.held, ATTR.heldAt, ATTR.lastAt, 'expiresAt'),
    },
    ExpressionAttributeValues: {
      ...guard.ExpressionAttributeValues,
      ':now': part.receivedAt,
      ':expiresAt': expiresAt,
      ':one': 1,
      ...(clears ? {} : { ':index': new Set([part.index]) }),
    },
  };
}

/** Marks assembly `id` recorded; a newer one in its place is left alone. */
export function finishWrite(id: string, at: string): AssemblyUpdate {
  return {
    UpdateExpression: 'SET #finished = :at ADD #rev :one',
    ConditionExpression: '#assemblyId = :id',
    ExpressionAttributeNames: names(ATTR.finished, ATTR.rev, ATTR.assemblyId),
    ExpressionAttributeValues: { ':at': at, ':one': 1, ':id': id },
  };
}

/** The new assembly put in the item's place: this part and the seeded ones. */
export function replacementItem(
  key: string,
  part: PartWrite,
  plan: Extract<PartPlan, { action: 'replace' }>,
  newId: string,
  expiresAt: number,
): Record<string, unknown> {
  const item: Record<string, unknown> = {
    pk: key,
    kind: KIND,
    total: part.total,
    [ATTR.assemblyId]: newId,
    [ATTR.startedAt]: plan.startedAt,
    [ATTR.lastAt]: part.receivedAt,
    [ATTR.rev]: 1,
    expiresAt,
  };
  for (const [index, payload] of plan.seeded) {
    item[partAttr(index)] = { ...payloadOf(payload), [ATTR.seeded]: true };
  }
  item[partAttr(part.index)] = payloadOf(part.payload);
  return item;
}

/** The condition that the item is still the one read: same assembly, no write since. */
export function unchanged(old: Record<string, unknown>): Omit<AssemblyUpdate, 'UpdateExpression'> {
  const rev = old[ATTR.rev];
  return {
    ConditionExpression: `#assemblyId = :assemblyId AND ${rev === undefined ? 'attribute_not_exists(#rev)' : '#rev = :rev'}`,
    ExpressionAttributeNames: names(ATTR.assemblyId, ATTR.rev),
    ExpressionAttributeValues: {
      ':assemblyId': old[ATTR.assemblyId],
      ...(rev === undefined ? {} : { ':rev': rev }),
    },
  };
}

function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((name) => [`#${name}`, name]));
}

/** Only the octets and data_coding: an input may carry more, and a seeded flag must not stay. */
function payloadOf(payload: PartPayload): PartPayload {
  return { octets: payload.octets, dataCoding: payload.dataCoding };
}
