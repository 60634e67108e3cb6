import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_MAX_KEYS, batchGetConsistent } from '#core/aws/batch-get.ts';
import { cancellationOf, runDynamo } from '#core/aws/dynamo-errors.ts';
import {
  type AntiLoopSettings,
  type AntiLoopVerdict,
  decideAntiLoop,
  type NumberState,
} from '#core/domain/provider/anti-loop.ts';
import { eachAtMost } from '#core/support/each-at-most.ts';

// The number items of the anti-loop guard (anti-loop-guard.ts), and the rules for a whole batch in
// few round trips: every number's item is read in BatchGets, each entry is decided on what was read,
// and the items are written back in transactions of up to 100, each conditional on the version that
// was read. A batch never names a number twice, so no transaction touches one item twice. When
// another writer changed an item in between, or DynamoDB throttled one, its transaction is
// cancelled whole and the entries of that transaction are decided again one by one (`admitOne`).
// When a call fails for good, the batch is refused whole (the caller is told to send it again): the
// windows already counted, by the transactions that committed, are closed again first (`withdraw`),
// or the resent batch would be refused as its own duplicate.

export interface GuardTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  settings: AntiLoopSettings;
  now: () => number;
}

export interface GuardEntry {
  numberKey: string;
  fingerprint: string;
}

type Item = Record<string, unknown>;
type TransactPut = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Put']>;

const PER_TRANSACTION = 100;
const CONCURRENCY = 4;

/** The stored state of a number, read leniently: an item that is not ours counts as no state. */
export function readState(item: Item | undefined): NumberState | undefined {
  if (!item || typeof item.lastAtMs !== 'number' || typeof item.streak !== 'number') return undefined;
  const sent = mapOf(item.sent, (value): value is number => typeof value === 'number');
  const keys = mapOf(item.keys, (value): value is string => typeof value === 'string');
  return {
    lastAtMs: item.lastAtMs,
    streak: item.streak,
    sent,
    ...(Object.keys(keys).length > 0 ? { keys } : {}),
  };
}

/** The entries of a stored map whose values are of the kind asked for; anything else: none. */
function mapOf<T>(value: unknown, isKind: (entry: unknown) => entry is T): Record<string, T> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, T] => isKind(entry[1])));
}

/**
 * The last writes' tokens on the item: a write whose answer was lost (and which the SDK sent again,
 * to fail its condition) finds its own token there and knows it counted, instead of judging its
 * message a duplicate of itself. A few, so a write that landed just before another still finds it.
 */
const RECENT_WRITERS = 8;

export function writersOf(item: Item | undefined): string[] {
  const writers = item?.writers;
  return Array.isArray(writers)
    ? writers.filter((writer): writer is string => typeof writer === 'string')
    : [];
}

function tokens(writer: string | undefined, earlier: string[]): { writers?: string[] } {
  if (writer) return { writers: [writer, ...earlier.slice(0, RECENT_WRITERS - 1)] };
  return earlier.length > 0 ? { writers: earlier } : {};
}

/** The Put of a number's next state, conditional on the version read (or on no item at all). */
export function numberItem(
  numberKey: string,
  read: Item | undefined,
  next: NumberState,
  settings: AntiLoopSettings,
  writer?: string,
) {
  const version = typeof read?.version === 'number' ? read.version : undefined;
  const lastUseMs = Math.max(next.lastAtMs + settings.floodGapMs, ...Object.values(next.sent));
  return {
    // TTL a minute after the last window: DynamoDB deletes late, and the rules never need it then.
    Item: {
      pk: numberKey,
      ...next,
      version: (version ?? 0) + 1,
      // A write without a token of its own (the batch's transactions are made idempotent by their
      // ClientRequestToken) still carries the others': a single write's retry looks for its own.
      ...tokens(writer, writersOf(read)),
      expiresAt: Math.ceil(lastUseMs / 1000) + 60,
    },
    ...(version === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } }),
  };
}

export interface BatchAdmission {
  /** Decides one entry again on its own, on a fresh read (and counts it when allowed). */
  admitOne(index: number): Promise<AntiLoopVerdict>;
  /** Closes the window an allowed entry opened (conditional on its end: a no-op if never written). */
  withdraw(index: number, windowEndsAtMs: number): Promise<void>;
}

export async function admitMany(
  table: GuardTable,
  entries: readonly GuardEntry[],
  admission: BatchAdmission,
): Promise<AntiLoopVerdict[]> {
  // A number named again later in the batch is judged after the first, one at a time, on the state
  // the first left: as if the messages came one after another (and DynamoDB refuses a batch read or
  // transaction naming one item twice).
  const firsts: number[] = [];
  const repeats: number[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    (seen.has(entry.numberKey) ? repeats : firsts).push(index);
    seen.add(entry.numberKey);
  });
  const items = await readAll(
    table,
    firsts.map((index) => (entries[index] as GuardEntry).numberKey),
  );
  const now = table.now();
  const verdicts: AntiLoopVerdict[] = new Array(entries.length);
  const writes: { index: number; put: TransactPut }[] = [];
  for (const index of firsts) {
    const entry = entries[index] as GuardEntry;
    const read = items.get(entry.numberKey);
    const { verdict, next } = decideAntiLoop(readState(read), entry.fingerprint, now, table.settings);
    verdicts[index] = verdict;
    if (next) {
      writes.push({
        index,
        put: { TableName: table.tableName, ...numberItem(entry.numberKey, read, next, table.settings) },
      });
    }
  }
  const groups: (typeof writes)[] = [];
  for (let start = 0; start < writes.length; start += PER_TRANSACTION) {
    groups.push(writes.slice(start, start + PER_TRANSACTION));
  }
  try {
    await eachAtMost(groups, CONCURRENCY, async (group) => {
      try {
        await runDynamo('anti-loop write (batch)', () =>
          table.client.send(
            new TransactWriteCommand({ TransactItems: group.map((write) => ({ Put: write.put })) }),
          ),
        );
      } catch (error) {
        // runDynamo reports a throttled item's cancellation as unavailable, with it as the cause.
        if (!cancellationOf(error)) throw error;
        // Nothing of the group was written: decide its entries again, one by one, on fresh reads.
        for (const { index } of group) verdicts[index] = await admission.admitOne(index);
      }
    });
    for (const index of repeats) verdicts[index] = await admission.admitOne(index);
  } catch (error) {
    await withdrawAll(verdicts, admission);
    throw error;
  }
  return verdicts;
}

/**
 * Every window this batch decided, written or not: a failed transaction may have committed with its
 * answer lost, and one that did not leaves nothing for the condition to match. Best effort: after
 * one failure the rest are not tried (DynamoDB is most likely down), and the caller's error is the
 * batch's own.
 */
async function withdrawAll(verdicts: readonly AntiLoopVerdict[], admission: BatchAdmission): Promise<void> {
  const windows = verdicts.flatMap((verdict, index) =>
    verdict?.verdict === 'allowed' && verdict.windowEndsAtMs !== undefined
      ? [{ index, endsAt: verdict.windowEndsAtMs }]
      : [],
  );
  await eachAtMost(windows, CONCURRENCY, ({ index, endsAt }) => admission.withdraw(index, endsAt)).catch(
    () => undefined,
  );
}

async function readAll(table: GuardTable, keys: string[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const chunks: string[][] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS)
    chunks.push(keys.slice(start, start + BATCH_GET_MAX_KEYS));
  await eachAtMost(chunks, CONCURRENCY, async (chunk) => {
    const items = await batchGetConsistent(
      table.client,
      table.tableName,
      chunk.map((pk) => ({ pk })),
      'anti-loop read (batch)',
    );
    for (const item of items) found.set(String(item.pk), item);
  });
  return found;
}
