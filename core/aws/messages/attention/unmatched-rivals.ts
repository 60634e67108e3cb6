import { BATCH_GET_MAX_KEYS } from '#core/aws/batch-get.ts';
import { BY_ATTENTION } from '#core/aws/messages/attention/attention.ts';
import type { MessageItem } from '#core/aws/messages/message-item.ts';
import { getMessageItem, type MessageTable } from '#core/aws/messages/message-writes.ts';
import { queryPages } from '#core/aws/query-pages.ts';

// An orphan that fits exactly one message may still fit another: after a crash two messages to one
// number can both be `unknown` without ids (one whose answer was lost, one claimed but never sent),
// and the one receipt the SMSC sent is either one's. So before a message adopts an orphan, the other
// unmatched messages of its login are checked against that orphan too. The index lists them by id
// only (its projection is id and status), so the items themselves are read: once per reconciler
// run, and only once some message has an orphan that fits it, so a run without orphans reads nothing
// more than before.

/**
 * Unmatched messages read in one run at most. More than this is a disaster no matching can sort
 * out; reading them all every run would grow without bound (each 100 are a BatchGetItem), so past
 * it no orphan is adopted: every message stays `unknown`, which is never wrong.
 */
export const MAX_UNMATCHED_READ = 2_000;

/** An unmatched message as the matching sees it. */
export interface MatchCandidate {
  id: string;
  /** The `orphan#<digits>` partition of its recipient. */
  recipient: string;
  /** Orphans parked before this (its claim less the clock skew) are not its. */
  since: string;
  text: string;
}

export interface UnmatchedSnapshot {
  candidates: MatchCandidate[];
  /** False when the partition held more than could be read. */
  complete: boolean;
}

/** The one orphan that fits a message: when it was parked and whether a text agrees with its receipts. */
export interface OrphanFit {
  parkedAt: string;
  agreesWith: (text: string) => boolean;
}

/** The other unmatched messages of a login, read once (on first use) for any number of checks. */
export class UnmatchedRivals {
  private snapshot: Promise<UnmatchedSnapshot> | undefined;
  private readonly adopted = new Set<string>();
  private incomplete = false;

  constructor(private readonly load: () => Promise<UnmatchedSnapshot>) {}

  /** Whether the partition held more messages than are read: no orphan was adopted then. */
  get overflowed(): boolean {
    return this.incomplete;
  }

  /** Whether another unmatched message to `message`'s number could own `orphan` too. */
  async contested(message: MatchCandidate, orphan: OrphanFit): Promise<boolean> {
    this.snapshot ??= this.load();
    const { candidates, complete } = await this.snapshot;
    if (!complete) {
      this.incomplete = true;
      return true;
    }
    return candidates.some(
      (other) =>
        other.id !== message.id &&
        !this.adopted.has(other.id) &&
        other.recipient === message.recipient &&
        other.since <= orphan.parkedAt &&
        orphan.agreesWith(other.text),
    );
  }

  /** `id` adopted an orphan: it no longer competes for another (the snapshot predates it). */
  settled(id: string): void {
    this.adopted.add(id);
  }
}

/**
 * Every message listed in `partition`, whatever its `attentionAt` (one deferred to a later look is
 * still a rival), read strongly consistently (the index lags) and kept where `candidateOf` makes one
 * of it.
 */
export async function readUnmatched(
  table: MessageTable,
  partition: string,
  limit: number,
  candidateOf: (item: MessageItem) => MatchCandidate | undefined,
): Promise<UnmatchedSnapshot> {
  const ids: string[] = [];
  const pages = queryPages(table.client, 'list unmatched messages', () => ({
    TableName: table.tableName,
    IndexName: BY_ATTENTION,
    KeyConditionExpression: '#attention = :partition',
    ExpressionAttributeNames: { '#attention': 'attention' },
    ExpressionAttributeValues: { ':partition': partition },
    Limit: limit + 1 - ids.length,
  }));
  for await (const items of pages) {
    ids.push(...items.map((item) => String(item.id)));
    if (ids.length > limit) return { candidates: [], complete: false };
  }
  // One message has no rival: the usual case costs no read.
  if (ids.length < 2) return { candidates: [], complete: true };
  const candidates: MatchCandidate[] = [];
  // A BatchGetItem's worth at a time (the grouped reader makes one of each), so a large partition
  // never floods the reads the dispatch shares it with.
  for (let start = 0; start < ids.length; start += BATCH_GET_MAX_KEYS) {
    const chunk = ids.slice(start, start + BATCH_GET_MAX_KEYS);
    for (const item of await Promise.all(chunk.map((id) => getMessageItem(table, id)))) {
      const candidate = item && candidateOf(item);
      if (candidate) candidates.push(candidate);
    }
  }
  return { candidates, complete: true };
}
