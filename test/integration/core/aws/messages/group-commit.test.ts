import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { retryTransient } from '#bind-service/dispatch/submit/retry.ts';
import { DEFAULT_MAX_IN_FLIGHT } from '#core/aws/grouped/table-groups.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId } from '../factories.ts';
import { useCountingRepository } from './counting-client.ts';

// The bind-service's per-message writes are group-committed (core/support/group-commit.ts): while a
// call is in flight, the next requests of its kind go together in the next call. Here many callers
// at once, against DynamoDB Local: each gets its own answer, the table ends as sequential calls
// would leave it, and the calls are counted (a middleware that notes each call, not a stub).

const MANY = 200;
const history = ['accepted', 'submitting', 'submitted', 'delivered'];

describe('MessageRepository: group commit under concurrency (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  const rig = useCountingRepository(aws);

  async function accepted(count: number): Promise<MessageRecord[]> {
    const records = Array.from({ length: count }, () => messageRecord());
    await rig.repository.createAcceptedBatch(records);
    return records;
  }

  const statuses = async (id: string) => (await rig.repository.get(id))?.history.map((h) => h.status);
  /** Reads for the assessment, a few at a time: a socket per read at once would only test the machine. */
  async function inChunks<T, R>(all: readonly T[], read: (one: T) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (let start = 0; start < all.length; start += 20) {
      results.push(...(await Promise.all(all.slice(start, start + 20).map(read))));
    }
    return results;
  }
  const callsNamed = (calls: readonly string[], name: string) => calls.filter((call) => call === name).length;

  it('when one group holds a claim that wins, one for a message already claimed and one for no message, then each caller gets its own answer', async () => {
    // Prepare: fillers take every call slot, so the three wait and go together in the next call.
    const fillers = await accepted(DEFAULT_MAX_IN_FLIGHT);
    const [fresh, taken] = await accepted(2);
    if (!fresh || !taken) throw new Error('two records expected');
    await rig.repository.claimForSubmit(taken.id);
    const from = rig.counting.calls.length;
    // Act
    const [, answers] = await Promise.all([
      Promise.all(fillers.map((filler) => rig.repository.claimForSubmit(filler.id))),
      Promise.all([
        rig.repository.claimForSubmit(fresh.id),
        rig.repository.claimForSubmit(taken.id),
        rig.repository.claimForSubmit('m-never-created'),
      ]),
    ]);
    // Assess
    expect(answers).toEqual(['claimed', 'already-claimed', 'not-found']);
    const firstBatches = rig.counting.calls
      .map((call, index) => ({ call, items: rig.counting.items[index] }))
      .slice(from, from + DEFAULT_MAX_IN_FLIGHT + 1);
    expect(firstBatches.at(-1)).toEqual({ call: 'BatchExecuteStatementCommand', items: 3 });
    expect(await statuses(fresh.id)).toEqual(['accepted', 'submitting']);
    expect(await statuses(taken.id)).toEqual(['accepted', 'submitting']);
  });

  it(`when ${MANY} messages are claimed, submitted and receive their receipts at once, then all land as sequential calls would, in far fewer calls`, {
    timeout: 60_000,
  }, async () => {
    // Prepare: every fourth message went out as two SINGLE parts, each with its own SMSC id.
    const records = await accepted(MANY);
    const ids = records.map((_, index) => (index % 4 === 0 ? [smscId(), smscId()] : [smscId()]));
    // Act: each claim names its holder, as the bind-service's do: a claim write that committed but
    // whose answer was lost (a slow DynamoDB Local times out) is then recognised by its retry.
    const claimCalls = await rig.counting.during(async () => {
      const claims = records.map((r) => rig.repository.claimForSubmit(r.id, `holder-${r.id}`));
      expect(new Set(await Promise.all(claims))).toEqual(new Set(['claimed']));
    });
    const submitCalls = await rig.counting.during(async () => {
      const results = await Promise.all(
        records.map((r, index) => rig.repository.markSubmitted(r.id, ids[index] ?? [], { kind: 'sms' })),
      );
      expect(results.every((r) => r.result === 'applied' && r.reconciledReceipts === 0)).toBe(true);
    });
    const receiptCalls = await rig.counting.during(async () => {
      const results = await Promise.all(ids.flat().map((id) => rig.repository.applyReceipt(receipt(id))));
      expect(new Set(results)).toEqual(new Set(['applied']));
    });
    // Assess
    const stored = await inChunks(records, (record) => statuses(record.id));
    expect(new Set(stored.map((h) => JSON.stringify(h)))).toEqual(new Set([JSON.stringify(history)]));
    const receipts = ids.flat().length;
    expect(callsNamed(claimCalls, 'BatchExecuteStatementCommand')).toBe(claimCalls.length);
    expect(claimCalls.length).toBeLessThanOrEqual(MANY / 10);
    expect(callsNamed(submitCalls, 'TransactWriteItemsCommand')).toBe(submitCalls.length);
    expect(submitCalls.length).toBeLessThanOrEqual(MANY / 10);
    // Each receipt is a read and a write when alone; grouped, a small fraction of that.
    expect(receiptCalls.length).toBeLessThanOrEqual((2 * receipts) / 5);
  });

  it('when a transaction in a group fails its condition, then only that message is stale and the rest of the group commits', async () => {
    // Prepare: one message is submitted already; the others are claimed.
    const records = await accepted(12);
    await Promise.all(records.map((r) => rig.repository.claimForSubmit(r.id)));
    const [first] = records;
    if (!first) throw new Error('a record expected');
    const firstId = smscId();
    await rig.repository.markSubmitted(first.id, [firstId]);
    // Act: first again (stale) in the middle of eleven fresh ones.
    const results = await Promise.all(
      records.map((r, index) => rig.repository.markSubmitted(r.id, index === 0 ? [firstId] : [smscId()])),
    );
    // Assess
    expect(results.map((r) => r.result)).toEqual(['stale', ...Array(11).fill('applied')]);
    for (const record of records.slice(1)) {
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted']);
    }
    expect(await statuses(first.id)).toEqual(['accepted', 'submitting', 'submitted']);
  });

  it('when 30 messages are marked submitted at once, then their transactions go one call at a time: the first alone, the 29 others together', async () => {
    // Prepare
    const records = await accepted(30);
    await Promise.all(records.map((r) => rig.repository.claimForSubmit(r.id)));
    const from = rig.counting.calls.length;
    // Act
    await Promise.all(records.map((r) => rig.repository.markSubmitted(r.id, [smscId()], { kind: 'sms' })));
    // Assess: a message and its lookup are two items (table-groups.ts TRANSACTIONS_IN_FLIGHT).
    const calls = rig.counting.calls.slice(from);
    expect(calls).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    expect(rig.counting.items.slice(from)).toEqual([2, 58]);
    for (const record of records) {
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted']);
    }
  });

  it(`when receipts and markSubmitted race for ${MANY} messages at once, then no receipt is lost`, {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const records = await accepted(MANY);
    await Promise.all(records.map((r) => rig.repository.claimForSubmit(r.id)));
    const ids = records.map(() => smscId());
    // Act: each message's receipt and its submitted write at the same moment, in both orders. A write
    // that fails for a while (a starved DynamoDB Local times out) is made again, as the bind-service's
    // are: `submitted` until it lands (retryUntil), a refused receipt when the SMSC sends it again.
    await Promise.all(
      records.flatMap((r, index) => {
        const id = ids[index] ?? '';
        const submit = () => retryTransient(() => rig.repository.markSubmitted(r.id, [id], { kind: 'sms' }));
        const apply = () => retryTransient(() => rig.repository.applyReceipt(receipt(id)));
        return index % 2 === 0 ? [submit(), apply()] : [apply(), submit()];
      }),
    );
    // Assess
    const stored = await inChunks(records, (record) => statuses(record.id));
    expect(new Set(stored.map((h) => JSON.stringify(h)))).toEqual(new Set([JSON.stringify(history)]));
    const lookups = await inChunks(ids, (id) =>
      aws.document.send(
        new GetCommand({ TableName: rig.table, Key: { pk: `SMSC#${id}` }, ConsistentRead: true }),
      ),
    );
    expect(lookups.filter(({ Item }) => Item?.messageId === undefined || Item.pendingReceipts)).toEqual([]);
  });
});
