import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { tableGroups } from '#core/aws/grouped/table-groups.ts';
import { itemKey } from '#core/aws/messages/message-item.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock } from '../factories.ts';
import { useCountingRepository } from './counting-client.ts';

// DynamoDB fails single items of a batch call under load (a throttled statement, an unprocessed
// key, a transaction cancelled for one throttled item); DynamoDB Local never does. Here a proxy
// fails chosen items the way DynamoDB does, and never lets them reach DynamoDB Local, so a failed
// item is one that was not applied. Each caller must get the answer sequential calls would have
// given it: an item is retried until it lands, and a caller whose items were fine is not held to
// another's throttle.

const history = ['accepted', 'submitting', 'submitted', 'delivered'];

/** A rule that fails the items that mention one of `ids`, each id the first `times` times only. */
function failingFirst(ids: readonly string[], times = 1) {
  const seen = new Map<string, number>();
  return ({ item }: { item: unknown }) => {
    const text = JSON.stringify(item);
    const id = ids.find((candidate) => text.includes(candidate));
    if (id === undefined) return false;
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    return count < times;
  };
}

describe('MessageRepository: items DynamoDB fails within a batch call (DynamoDB Local behind a proxy)', () => {
  const aws = useLocalAws({ dynamo: true });
  let proxy: ItemFaultProxy | undefined;
  let proxyEndpoint = '';
  beforeAll(async () => {
    proxy = new ItemFaultProxy(aws.dynamoEndpoint);
    proxyEndpoint = await proxy.listen();
  });
  afterAll(() => proxy?.close());
  const rig = useCountingRepository(aws, { endpoint: () => proxyEndpoint });
  const faults = () => {
    if (!proxy) throw new Error('the proxy starts in beforeAll');
    return proxy;
  };
  beforeEach(() => {
    faults().setRule(undefined);
    faults().clearCounts();
  });

  async function claimed(count: number): Promise<MessageRecord[]> {
    const records = Array.from({ length: count }, () => messageRecord());
    await rig.repository.createAcceptedBatch(records);
    await Promise.all(records.map((r) => rig.repository.claimForSubmit(r.id)));
    return records;
  }
  const statuses = async (id: string) => (await rig.repository.get(id))?.history.map((h) => h.status);

  it('when one message in a grouped submitted transaction is throttled, then the others commit in the next call and it lands after a back-off', async () => {
    // Prepare: the first transaction goes alone, the 29 behind it together (as in group-commit.test.ts).
    const records = await claimed(30);
    const throttled = records[5] as MessageRecord;
    faults().setRule(failingFirst([throttled.id]));
    const from = rig.counting.calls.length;
    // Act
    const results = await Promise.allSettled(
      records.map((r) => rig.repository.markSubmitted(r.id, [smscId()], { kind: 'sms' })),
    );
    // Assess: a message and its lookup are two items; the cancelled call carried 58.
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.result : String(r.reason)))).toEqual(
      Array(30).fill('applied'),
    );
    expect(faults().failedCount('TransactWriteItems')).toBe(1);
    expect(rig.counting.items.slice(from)).toEqual([2, 58, 56, 2]);
    for (const record of records) {
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted']);
    }
  });

  it('when one message stays throttled, then after 8 tries its caller is told the store is unavailable, and the others commit', async () => {
    // Prepare
    const records = await claimed(10);
    const throttled = records[3] as MessageRecord;
    faults().setRule(failingFirst([throttled.id], Number.POSITIVE_INFINITY));
    // Act
    const results = await Promise.allSettled(
      records.map((r) => rig.repository.markSubmitted(r.id, [smscId()], { kind: 'sms' })),
    );
    // Assess: each of the 8 tries fails both its items (the message and its lookup name it).
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value.result : r.reason));
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(9);
    expect(outcomes[3]).toBeInstanceOf(RepositoryUnavailableError);
    expect(String(outcomes[3])).toContain('ThrottlingError');
    expect(faults().failedCount('TransactWriteItems')).toBe(16);
    expect(await statuses(throttled.id)).toEqual(['accepted', 'submitting']);
  });

  it('when a cancelled group holds one throttled message and one stale one, then the stale one is told so and the rest commit', async () => {
    // Prepare: the first message is submitted already, so its second write fails its condition.
    const records = await claimed(12);
    const [stale, throttled] = records as [MessageRecord, MessageRecord];
    const staleSmscId = smscId();
    await rig.repository.markSubmitted(stale.id, [staleSmscId]);
    faults().setRule(failingFirst([throttled.id]));
    // Act
    const results = await Promise.all(
      records.map((r) => rig.repository.markSubmitted(r.id, r === stale ? [staleSmscId] : [smscId()])),
    );
    // Assess
    expect(results.map((r) => r.result)).toEqual(['stale', ...Array(11).fill('applied')]);
    expect(faults().failedCount('TransactWriteItems')).toBe(1);
    for (const record of records) {
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted']);
    }
  });

  it('when claims and receipts are throttled statement by statement, then each is sent again and lands once', async () => {
    // Prepare: every claim statement, and every receipt's, fails twice before it passes.
    const records = Array.from({ length: 20 }, () => messageRecord());
    await rig.repository.createAcceptedBatch(records);
    const ids = records.map(() => smscId());
    faults().setRule(
      failingFirst(
        records.map((r) => r.id),
        2,
      ),
    );
    // Act
    const claims = await Promise.all(records.map((r) => rig.repository.claimForSubmit(r.id)));
    faults().setRule(undefined);
    // With its kind, a receipt is one conditional update of the message (single-id-receipt.ts).
    await Promise.all(
      records.map((r, index) => rig.repository.markSubmitted(r.id, [ids[index] ?? ''], { kind: 'sms' })),
    );
    faults().setRule(
      failingFirst(
        records.map((r) => r.id),
        2,
      ),
    );
    const receipts = await Promise.all(ids.map((id) => rig.repository.applyReceipt(receipt(id))));
    // Assess
    expect(claims).toEqual(Array(20).fill('claimed'));
    expect(receipts).toEqual(Array(20).fill('applied'));
    expect(faults().failedCount('BatchExecuteStatement')).toBe(80);
    for (const record of records) expect(await statuses(record.id)).toEqual(history);
  });

  it('when the lookup reads of receipts come back unprocessed, then they are asked for again and every receipt finds its message', async () => {
    // Prepare: a fresh repository reads each SMSC-id lookup (no cache of what it wrote).
    const records = await claimed(20);
    const ids = records.map(() => smscId());
    await Promise.all(records.map((r, index) => rig.repository.markSubmitted(r.id, [ids[index] ?? ''])));
    const reader = new MessageRepository(rig.counting.document, rig.table, { clock: steppingClock().now });
    // Every other key, so that each call has keys answered (when none is, DynamoDB refuses the call).
    const firstRead = failingFirst(ids.filter((_, index) => index % 2 === 0));
    faults().setRule(({ call, item }) => call === 'BatchGetItem' && firstRead({ item }));
    // Act
    const receipts = await Promise.all(ids.map((id) => reader.applyReceipt(receipt(id))));
    // Assess
    expect(receipts).toEqual(Array(20).fill('applied'));
    expect(faults().failedCount('BatchGetItem')).toBe(10);
    for (const record of records) expect(await statuses(record.id)).toEqual(history);
  });

  it('when one key of a grouped read stays unprocessed, then only its reader fails and the others get their items', async () => {
    // Prepare: ten messages read at once go in one BatchGetItem; one key is never answered.
    const records = await claimed(10);
    const unanswered = records[4] as MessageRecord;
    faults().setRule(
      ({ call, item }) => call === 'BatchGetItem' && JSON.stringify(item).includes(unanswered.id),
    );
    const groups = tableGroups(rig.counting.document, rig.table);
    // Act
    const reads = await Promise.allSettled(records.map((r) => groups.get(itemKey.message(r.id))));
    // Assess
    const outcomes = reads.map((r) => (r.status === 'fulfilled' ? r.value?.id : r.reason));
    expect(outcomes.filter((outcome, index) => outcome === records[index]?.id)).toHaveLength(9);
    expect(outcomes[4]).toBeInstanceOf(RepositoryUnavailableError);
    // Once alone in a call, the key's call is refused whole (DynamoDB answers nothing), which the
    // SDK tries 3 times (clients.ts maxAttempts) before the read gives up: 1 + 3 tries in all.
    expect(faults().failedCount('BatchGetItem')).toBe(4);
  });

  it('when a batch write leaves records unprocessed, then they are written again and every record exists once', async () => {
    // Prepare: every other record's put comes back unprocessed twice (the API's POST /v1/batches
    // path). Were all of a call's failing, DynamoDB would refuse the call, and the SDK retry it.
    const records = Array.from({ length: 30 }, () => messageRecord());
    const halved = records.filter((_, index) => index % 2 === 0).map((r) => r.id);
    faults().setRule(failingFirst(halved, 2));
    // Act
    await rig.repository.createAcceptedBatch(records);
    // Assess
    expect(faults().failedCount('BatchWriteItem')).toBe(30);
    for (const record of records) expect(await statuses(record.id)).toEqual(['accepted']);
  });

  it("when the lookups after a message's first 99 fail to land, then the next attempt writes them", async () => {
    // Prepare: a SINGLE message of 120 parts has 120 SMSC ids; the transaction with the message and
    // its first 99 lookups commits, the one with the other 21 is cancelled for a throttled item.
    const [record] = await claimed(1);
    if (!record) throw new Error('a record expected');
    const ids = Array.from({ length: 120 }, () => smscId());
    faults().setRule(failingFirst([`SMSC#${ids[110]}`]));
    // Act: the bind-service writes `submitted` again after a failure (retryUntil).
    const first = await rig.repository.markSubmitted(record.id, ids).catch((error: unknown) => error);
    const second = await rig.repository.markSubmitted(record.id, ids);
    // Assess
    expect(first).toBeInstanceOf(RepositoryUnavailableError);
    expect(second.result).toBe('stale');
    const owners = await Promise.all(
      ids.map(async (id) => {
        const { Item } = await aws.document.send(
          new GetCommand({ TableName: rig.table, Key: { pk: `SMSC#${id}` }, ConsistentRead: true }),
        );
        return Item?.messageId;
      }),
    );
    expect(owners.filter((owner) => owner !== record.id)).toEqual([]);
  });
});
