// When the local stream poller reads a shard that has had no records for a while.
//
// DynamoDB Local keeps every stream's records in one SQLite table indexed only by sequence number,
// so a GetRecords on an idle shard scans every record written since that shard's last one, by any
// table, on the one thread that serves every request: 11.8 CPU-ms a read at 40,000 records of ~1 KB
// (`npm run bench -- dynamodb-local`). The inbound table is idle while the messages table drains,
// and was read four times a second (bench part (b), back to back: urgent p99 169.8 -> 62.7 ms). An
// idle shard is therefore read every 2 s: the first change after 10 s of silence may take up to 2 s
// longer to reach the handler, locally only.

export const IDLE_AFTER_MS = 10_000;
export const IDLE_READ_INTERVAL_MS = 2_000;

export interface ShardActivity {
  /** When a read last returned records (or the shard was found). */
  recordsAt: number;
  lastReadAt: number;
}

export interface IdleSettings {
  /** A shard without records for this long counts as idle; default 10 s. */
  idleAfterMs?: number;
  /** An idle shard is read at most this often; default 2 s. */
  idleReadIntervalMs?: number;
}

/** True while an idle shard waits for its next read. */
export function restingIdle(shard: ShardActivity, now: number, settings: IdleSettings): boolean {
  const idle = now - shard.recordsAt > (settings.idleAfterMs ?? IDLE_AFTER_MS);
  return idle && now - shard.lastReadAt < (settings.idleReadIntervalMs ?? IDLE_READ_INTERVAL_MS);
}
