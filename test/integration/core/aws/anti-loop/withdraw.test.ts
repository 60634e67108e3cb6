import { describe, expect, it } from 'vitest';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { PROVIDER_ANTI_LOOP } from '#core/domain/provider/anti-loop.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { guardAt, numberKeyOf, prepare } from './guard-rig.ts';

// Closing the duplicate window of a message that will never be sent (AntiLoopGuard.withdraw): only
// the window that message opened goes, and nothing else of the number's state.

describe('AntiLoopGuard.withdraw (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });

  it('when a counted message is withdrawn, then an identical one is allowed again and the other windows stay', async () => {
    // Prepare
    const { guard, clock, itemOf } = await guardAt(aws);
    const other = prepare('+79990000021', 'Other text');
    const unsent = prepare('+79990000021', 'Never sent');
    await guard.admit(other);
    clock.now += 1_000;
    const counted = await guard.admit(unsent);
    if (counted.verdict !== 'allowed' || counted.windowEndsAtMs === undefined) throw new Error('not counted');
    const before = await itemOf('+79990000021');
    // Act
    await guard.withdraw(unsent, counted.windowEndsAtMs);
    // Assess
    const after = await itemOf('+79990000021');
    expect(after?.version).toBe(Number(before?.version) + 1);
    expect(Object.keys(after?.sent ?? {})).toHaveLength(1);
    clock.now += 1_000;
    expect((await guard.admit(unsent)).verdict).toBe('allowed');
    expect((await guard.admit(other)).verdict).toBe('duplicate');
  });

  it('when the window was opened again by a later identical message, then withdrawing the old one leaves it', async () => {
    // Prepare: the first window ended, and a second identical message opened its own
    const { guard, clock } = await guardAt(aws);
    const message = prepare('+79990000022', 'Same text');
    const first = await guard.admit(message);
    if (first.verdict !== 'allowed' || first.windowEndsAtMs === undefined) throw new Error('not counted');
    clock.now += 61_000;
    expect((await guard.admit(message)).verdict).toBe('allowed');
    // Act
    await guard.withdraw(message, first.windowEndsAtMs);
    // Assess
    clock.now += 1_000;
    expect((await guard.admit(message)).verdict).toBe('duplicate');
  });

  it('when the number has no state any more, then withdrawing writes nothing and does not fail', async () => {
    // Prepare
    const { guard, itemOf } = await guardAt(aws);
    // Act
    await guard.withdraw(prepare('+79990000023', 'Gone'), Date.parse('2025-01-01T00:01:00Z'));
    // Assess
    expect(await itemOf('+79990000023')).toBeUndefined();
  });

  it('when a write lands and every answer to it is lost, then closeWindowOnFailure closes its window, and without it (a message that goes on) the window stays', async () => {
    // Prepare: every PutItem of the two numbers is applied and its answer lost, retries too
    const proxy = new ItemFaultProxy(aws.dynamoEndpoint);
    const clients = createDynamoDbClients({ region: aws.region, endpoint: await proxy.listen() });
    try {
      const { tables, guard, clock } = await guardAt(aws);
      const lossy = new AntiLoopGuard(
        clients.document,
        tables.messages,
        PROVIDER_ANTI_LOOP,
        () => new Date(clock.now),
      );
      const keys = [numberKeyOf('+79990000024'), numberKeyOf('+79990000025')];
      proxy.setCallRule(
        ({ call, body }) => call === 'PutItem' && keys.some((key) => body.includes(key)) && 'after-server',
      );
      const closed = prepare('+79990000024', 'Answer lost');
      const kept = prepare('+79990000025', 'Answer lost');
      // Act
      const failures = [
        await lossy.admit(closed, { closeWindowOnFailure: true }).catch((error: Error) => error.name),
        await lossy.admit(kept).catch((error: Error) => error.name),
      ];
      // Assess
      expect(failures).toEqual(['RepositoryUnavailableError', 'RepositoryUnavailableError']);
      clock.now += 1_000;
      expect((await guard.admit(closed)).verdict).toBe('allowed');
      expect((await guard.admit(kept)).verdict).toBe('duplicate');
    } finally {
      clients.document.destroy();
      clients.dynamo.destroy();
      await proxy.close();
    }
  });
});
