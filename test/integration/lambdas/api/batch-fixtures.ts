// What the /v1/batches tests send and read back.

/** The body of POST /v1/batches' answer. */
export interface BatchBody {
  batchId: string;
  accepted: number;
  rejected: { index: number; error: { code: string; path: (string | number)[]; message: string } }[];
}

/** `count` distinct valid mobile numbers. */
export function mobiles(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+7999${String(1_000_000 + i).padStart(7, '0')}`);
}

/** A batch of two entries, one per lane: `bulk` on the bulk lane, `urgent` on the urgent one. */
export function oneEntryPerLane(bulk: string | undefined, urgent: string | undefined) {
  return {
    messages: [
      { to: bulk, text: 'Bulk one' },
      { to: urgent, text: 'Urgent one', priority: 'urgent' },
    ],
  };
}
