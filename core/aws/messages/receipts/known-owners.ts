import type { SmscLookupItem } from '#core/aws/messages/message-item.ts';

// What this process itself wrote on SMSC# lookup items, so a receipt for a message it just
// submitted skips reading the lookup back (one BatchGetItem key a receipt: 0.41 of the
// bind-service's 1.70 AWS calls a message in bench part (b), 8,000 bulk). Safe because of how
// a lookup changes: `messageId`, `smscIdCount` and `channel` are written once by the `submitted`
// transaction, and after it nothing can be parked on the item (parking is conditional on
// `attribute_not_exists(messageId)`). An entry is added only after that transaction committed and
// any receipts parked before it were applied, so the read it replaces would have found the same
// fields and no parked receipts.
// A miss (a receipt handled by another task, after a restart, or after eviction) reads the lookup
// as before. A final receipt removes its entry: what comes after it (a repeat, a read or clicked
// follow-up) is rare and is decided on a read. So the map holds about the messages whose receipt is
// still due, and `capacity` bounds it when receipts stop coming.

/** What a receipt needs from the lookup item, without its key, TTL or parked receipts. */
export type KnownOwner = Required<Pick<SmscLookupItem, 'messageId'>> &
  Pick<SmscLookupItem, 'smscIdCount' | 'channel'>;

/**
 * Ten thousand entries hold 100 seconds of receipts at 100 msg/s (a few MB at most); past that the
 * oldest go first and their receipts are read as before.
 */
export const KNOWN_OWNERS_CAPACITY = 10_000;

export class KnownOwners {
  private readonly owners = new Map<string, KnownOwner>();

  constructor(private readonly capacity = KNOWN_OWNERS_CAPACITY) {}

  get size(): number {
    return this.owners.size;
  }

  /** One owner object is shared by all of a message's SMSC ids. */
  remember(smscIds: readonly string[], owner: KnownOwner): void {
    if (this.capacity <= 0) return;
    for (const smscId of smscIds) {
      // Deleted first so a renewed entry moves to the back of the eviction order.
      this.owners.delete(smscId);
      this.owners.set(smscId, owner);
    }
    for (const oldest of this.owners.keys()) {
      if (this.owners.size <= this.capacity) break;
      this.owners.delete(oldest);
    }
  }

  get(smscId: string): KnownOwner | undefined {
    return this.owners.get(smscId);
  }

  forget(smscId: string): void {
    this.owners.delete(smscId);
  }
}
