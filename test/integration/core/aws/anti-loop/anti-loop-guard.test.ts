import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { callsSince, countAwsCalls } from '#core/aws/call-counter.ts';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { PROVIDER_ANTI_LOOP } from '#core/domain/provider/anti-loop.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { guardAt, numberKeyOf, prepare } from './guard-rig.ts';

describe('AntiLoopGuard (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });

  it('when a batch names one number several times, then each is judged in turn, as if sent one after another', async () => {
    // Prepare
    const { guard } = await guardAt(aws);
    const batch = [
      prepare('+79990000011', 'First text'),
      prepare('+79990000012', 'Other number'),
      prepare('+79990000011', 'Second text'),
      prepare('+79990000011', 'First text'),
    ];
    // Act
    const verdicts = (await guard.admitMany(batch)).map((answer) => answer.verdict);
    // Assess: the repeat of the first text within the minute is its duplicate.
    expect(verdicts).toEqual(['allowed', 'allowed', 'allowed', 'duplicate']);
  });

  it('when an identical message comes again within the minute, then it is a duplicate; after the minute it is allowed', async () => {
    // Prepare
    const { guard, clock } = await guardAt(aws);
    const message = prepare('+79990000001', 'Your code is 1234');
    // Act
    const first = await guard.admit(message);
    const firstAt = clock.now;
    clock.now += 59_000;
    const again = await guard.admit(message);
    clock.now += 2_000;
    const later = await guard.admit(message);
    // Assess
    expect(first).toEqual({ verdict: 'allowed', windowEndsAtMs: firstAt + 60_000 });
    // Retry-After counts to the end of the window: 1 s was left.
    expect(again).toEqual({ verdict: 'duplicate', retryAfterSeconds: 1 });
    expect(later).toEqual({ verdict: 'allowed', windowEndsAtMs: clock.now + 60_000 });
  });

  it('when 51 messages go to one number less than 30 s apart, then the 51st is refused; after a 30 s pause, one goes again', async () => {
    // Prepare
    const { guard, clock } = await guardAt(aws);
    const verdicts: string[] = [];
    // Act
    for (let index = 1; index <= 51; index++) {
      clock.now += 1_000;
      verdicts.push((await guard.admit(prepare('+79990000002', `Message ${index}`))).verdict);
    }
    clock.now += 30_000;
    const afterPause = await guard.admit(prepare('+79990000002', 'After the pause'));
    const otherNumber = await guard.admit(prepare('+79990000003', 'Message 51'));
    // Assess
    expect(verdicts.slice(0, 50).every((verdict) => verdict === 'allowed')).toBe(true);
    expect(verdicts[50]).toBe('flood');
    expect(afterPause.verdict).toBe('allowed');
    expect(otherNumber.verdict).toBe('allowed');
  });

  it('when a refusal by one rule happens, then the other rule counted nothing', async () => {
    // Prepare
    const { guard, clock } = await guardAt(aws);
    const repeated = prepare('+79990000004', 'Same text');
    await guard.admit(repeated);
    // Act: 49 duplicates refused, then 49 distinct messages: 50 in the streak, all allowed.
    for (let index = 0; index < 49; index++) {
      clock.now += 100;
      expect((await guard.admit(repeated)).verdict).toBe('duplicate');
    }
    const distinct = [];
    for (let index = 0; index < 49; index++) {
      clock.now += 100;
      distinct.push((await guard.admit(prepare('+79990000004', `Text ${index}`))).verdict);
    }
    // Assess
    expect(distinct.every((verdict) => verdict === 'allowed')).toBe(true);
  });

  it('when both rules are turned off, then nothing is refused and nothing is written', async () => {
    // Prepare
    const tables = await aws.freshTables();
    const off = { duplicateWindowMs: 0, floodLimit: 0, floodGapMs: 30_000 };
    const guard = new AntiLoopGuard(aws.document, tables.messages, off);
    const message = prepare('+79990000005', 'Again and again');
    // Act
    const verdicts = [await guard.admit(message), await guard.admit(message)];
    // Assess
    expect(verdicts).toEqual([{ verdict: 'allowed' }, { verdict: 'allowed' }]);
  });

  it('when a batch of 1000 is admitted, then repeats and numbers at the limit are refused and the rest counted', async () => {
    // Prepare
    const { guard, clock } = await guardAt(aws);
    await guard.admit(prepare('+79991000000', 'Batch text'));
    for (let index = 0; index < 50; index++) {
      clock.now += 100;
      await guard.admit(prepare('+79991000001', `Single ${index}`));
    }
    const batch = Array.from({ length: 1000 }, (_, i) =>
      prepare(`+7999100${String(i).padStart(4, '0')}`, 'Batch text'),
    );
    // Act
    clock.now += 100;
    const started = performance.now();
    const verdicts = (await guard.admitMany(batch)).map((answer) => answer.verdict);
    const elapsedMs = performance.now() - started;
    const again = await guard.admit(batch[2]!);
    // Assess
    expect(verdicts.slice(0, 3)).toEqual(['duplicate', 'flood', 'allowed']);
    expect(verdicts.slice(2).every((verdict) => verdict === 'allowed')).toBe(true);
    expect(again.verdict).toBe('duplicate');
    console.info(`admitMany: 1000 entries in ${Math.round(elapsedMs)} ms`);
  }, 60_000);

  it('when a number has no state yet, then one conditional write admits it, without a read; a number with state takes two calls', async () => {
    // Prepare: a client of its own, built with counting on.
    const counter = countAwsCalls();
    const clients = createDynamoDbClients({ region: aws.region, endpoint: aws.dynamoEndpoint });
    const { tables } = await guardAt(aws);
    let now = Date.parse('2025-01-01T00:00:00Z');
    const guard = new AntiLoopGuard(
      clients.document,
      tables.messages,
      PROVIDER_ANTI_LOOP,
      () => new Date(now),
    );
    try {
      // Act
      const before = counter.snapshot();
      const first = await guard.admit(prepare('+79990000009', 'First'));
      const afterFirst = counter.snapshot();
      now += 1_000;
      const second = await guard.admit(prepare('+79990000009', 'Second'));
      const afterSecond = counter.snapshot();
      now += 1_000;
      const repeated = await guard.admit(prepare('+79990000009', 'Second'));
      // Assess
      expect([first.verdict, second.verdict, repeated.verdict]).toEqual(['allowed', 'allowed', 'duplicate']);
      expect(callsSince(afterFirst, before).calls).toEqual({ 'DynamoDB.PutItem': 1 });
      expect(Object.values(callsSince(afterSecond, afterFirst).calls).reduce((a, b) => a + b, 0)).toBe(2);
    } finally {
      clients.document.destroy();
      clients.dynamo.destroy();
    }
  });

  it('when 5 messages to a number without state are admitted at once, then every one is counted: the losers decide again on the item their failed write returned', async () => {
    // Prepare
    const { guard, tables } = await guardAt(aws);
    const messages = Array.from({ length: 5 }, (_, i) => prepare('+79990000010', `Concurrent ${i}`));
    // Act
    const verdicts = await Promise.all(messages.map((message) => guard.admit(message)));
    const { Item } = await aws.document.send(
      new GetCommand({
        TableName: tables.messages,
        Key: { pk: numberKeyOf('+79990000010') },
        ConsistentRead: true,
      }),
    );
    // Assess
    expect(verdicts.every(({ verdict }) => verdict === 'allowed')).toBe(true);
    expect(Item?.streak).toBe(5);
    expect(Object.keys(Item?.sent ?? {})).toHaveLength(5);
  });

  it('when the answer to a write that landed is lost and the SDK sends it again, then the message is allowed once, not refused as its own duplicate', async () => {
    // Prepare: a client whose first PutItem reaches DynamoDB Local but whose answer is lost (a
    // timeout, as a congested network gives): the SDK's own retry sends the same write again.
    const clients = createDynamoDbClients({ region: aws.region, endpoint: aws.dynamoEndpoint });
    let answersLost = 0;
    clients.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const answer = await next(args);
        if (context.commandName === 'PutItemCommand' && answersLost === 0) {
          answersLost += 1;
          throw Object.assign(new Error('answer lost after the write landed'), { name: 'TimeoutError' });
        }
        return answer;
      },
      { step: 'deserialize', name: 'loseFirstPutAnswer' },
    );
    const { tables } = await guardAt(aws);
    const guard = new AntiLoopGuard(clients.document, tables.messages, PROVIDER_ANTI_LOOP);
    try {
      // Act
      const verdict = await guard.admit(prepare('+79990000013', 'Your code is 9876'));
      const { Item } = await aws.document.send(
        new GetCommand({
          TableName: tables.messages,
          Key: { pk: numberKeyOf('+79990000013') },
          ConsistentRead: true,
        }),
      );
      // Assess: allowed, counted once.
      expect(answersLost).toBe(1);
      expect(verdict).toEqual({ verdict: 'allowed', windowEndsAtMs: expect.any(Number) });
      expect(Item?.streak).toBe(1);
    } finally {
      clients.document.destroy();
      clients.dynamo.destroy();
    }
  });

  it('when a batch transaction is cancelled for one throttled number, then its entries are decided again one by one and each is counted once', async () => {
    // Prepare: DynamoDB throttles the first write of one number's item, which cancels the whole
    // transaction (a proxy in front of DynamoDB Local answers as DynamoDB does; nothing is written).
    const proxy = new ItemFaultProxy(aws.dynamoEndpoint);
    const clients = createDynamoDbClients({ region: aws.region, endpoint: await proxy.listen() });
    const numbers = ['+79990000021', '+79990000022', '+79990000023', '+79990000024'];
    let throttled = 0;
    proxy.setRule(({ call, item }) => {
      const hit = call === 'TransactWriteItems' && JSON.stringify(item).includes(numberKeyOf(numbers[2]!));
      if (hit) throttled += 1;
      return hit && throttled === 1;
    });
    const { tables } = await guardAt(aws);
    const guard = new AntiLoopGuard(clients.document, tables.messages, PROVIDER_ANTI_LOOP);
    try {
      // Act
      const verdicts = await guard.admitMany(numbers.map((to) => prepare(to, 'Your code is 5555')));
      // Assess: every number's item written once (version 1), by the one-by-one decisions.
      expect(proxy.failedCount('TransactWriteItems')).toBe(1);
      expect(verdicts.map((answer) => answer.verdict)).toEqual(Array(4).fill('allowed'));
      for (const to of numbers) {
        const { Item } = await aws.document.send(
          new GetCommand({ TableName: tables.messages, Key: { pk: numberKeyOf(to) }, ConsistentRead: true }),
        );
        expect({ to, version: Item?.version, streak: Item?.streak }).toEqual({ to, version: 1, streak: 1 });
      }
    } finally {
      clients.document.destroy();
      clients.dynamo.destroy();
      await proxy.close();
    }
  });
});
