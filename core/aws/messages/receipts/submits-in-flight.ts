// The `submitted` writes this process has under way, by SMSC id. A DELIVER_SM often comes right
// behind its SUBMIT_SM_RESP, before the group-committed `submitted` transaction has landed. Without
// this, its receipt read the lookup, found no owner, parked itself with an UpdateItem, which then
// cancelled the whole grouped transaction (its lookups are guarded against parked receipts), and the
// reconciliation read the lookup again and cleared it with another UpdateItem: in bench part (a),
// 0.26 single UpdateItem calls a message. Waiting for the write this process already has in flight
// costs the receipt nothing it was not going to wait for anyway (its answer to the SMSC follows its
// own write), and afterwards the receipt finds its owner in KnownOwners.
// Whatever the write ends in (stale, failed, thrown), the receipt then goes the way it always went.

export class SubmitsInFlight {
  private readonly writes = new Map<string, Promise<unknown>>();

  get size(): number {
    return this.writes.size;
  }

  /** Registers `write` under each SMSC id until it settles; returns `write`. */
  track<T>(smscIds: readonly string[], write: Promise<T>): Promise<T> {
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    for (const smscId of smscIds) this.writes.set(smscId, settled);
    void settled.then(() => {
      for (const smscId of smscIds) {
        // A newer write for the same id (a retry) keeps its own entry.
        if (this.writes.get(smscId) === settled) this.writes.delete(smscId);
      }
    });
    return write;
  }

  /** Resolves (never rejects) once the write under way for `smscId` settled; undefined if none is. */
  settled(smscId: string): Promise<unknown> | undefined {
    return this.writes.get(smscId);
  }
}
