import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { numberItem } from '#core/aws/anti-loop/anti-loop-batch.ts';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import {
  type AntiLoopSettings,
  MAX_OPEN_WINDOWS,
  type NumberState,
} from '#core/domain/provider/anti-loop.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { numberKeyOf, prepare } from './guard-rig.ts';

// A number's anti-loop item keeps one entry per duplicate window still open. Under an hour-long
// window (ANTI_LOOP_DUPLICATE_SECONDS at its maximum) a number sent to at the flood ceiling opened
// about 4,600 keyed windows before its item passed DynamoDB's 400 KB, and from then on every message
// to it failed (ValidationException: 500 at the API) instead of being judged by the rules; a batch's
// transaction of 100 such items passed DynamoDB's 4 MB. DynamoDB Local enforces both limits.

const SETTINGS: AntiLoopSettings = { duplicateWindowMs: 3_600_000, floodLimit: 50, floodGapMs: 30_000 };
const NOW = Date.parse('2025-01-01T01:00:00Z');

/** A state with `windows` open windows ending within the hour, each keyed when `keyed`. */
function stateWith(windows: number, keyed: boolean): NumberState {
  const sent: Record<string, number> = {};
  const keys: Record<string, string> = {};
  for (let index = 0; index < windows; index++) {
    const print = createHash('sha256').update(`message ${index}`).digest('hex').slice(0, 32);
    sent[print] = NOW + 60_000 + index;
    if (keyed) keys[print] = createHash('sha256').update(`key ${index}`).digest('hex').slice(0, 16);
  }
  return { lastAtMs: NOW - 60_000, streak: 0, sent, ...(keyed ? { keys } : {}) };
}

describe('AntiLoopGuard against DynamoDB’s size limits (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });

  it('when a number’s item holds as many windows as DynamoDB takes, then the next message is still judged and allowed', async () => {
    // Prepare: the largest keyed state DynamoDB still stores (found by halving the window count; each
    // probe on a key of its own, as the guard's first write of a number only creates)
    const tables = await aws.freshTables();
    const to = '+79990001234';
    const put = (pk: string, windows: number) =>
      aws.document
        .send(
          new PutCommand({
            TableName: tables.messages,
            ...numberItem(pk, undefined, stateWith(windows, true), SETTINGS, 'w'),
          }),
        )
        .then(
          () => true,
          () => false,
        );
    let fits = 3_000;
    let refused = 6_000;
    expect([await put(`scratch-${fits}`, fits), await put(`scratch-${refused}`, refused)]).toEqual([
      true,
      false,
    ]);
    while (refused - fits > 1) {
      const middle = Math.floor((fits + refused) / 2);
      if (await put(`scratch-${middle}`, middle)) fits = middle;
      else refused = middle;
    }
    await put(numberKeyOf(to), fits);
    const guard = new AntiLoopGuard(aws.document, tables.messages, SETTINGS, () => new Date(NOW));
    // Act
    const verdict = await guard
      .admit(prepare(to, 'Order 4711 is on its way'), { idempotencyKey: 'order-4711' })
      .then(
        (answer) => answer.verdict,
        (error: Error) => `threw ${error.name}`,
      );
    // Assess: before, the state with one more window was refused for its size (threw ValidationException)
    const { Item } = await aws.document.send(
      new GetCommand({ TableName: tables.messages, Key: { pk: numberKeyOf(to) }, ConsistentRead: true }),
    );
    expect(verdict).toBe('allowed');
    expect(Object.keys((Item?.sent ?? {}) as object)).toHaveLength(MAX_OPEN_WINDOWS);
  });

  it('when a batch goes to 100 numbers whose items each hold 1,100 open windows, then its write fits one transaction and every entry is allowed', async () => {
    // Prepare: 100 items of about 46 KB, written as the guard writes them
    const tables = await aws.freshTables();
    const numbers = Array.from({ length: 100 }, (_, index) => `+7999100${String(index).padStart(4, '0')}`);
    for (const to of numbers) {
      await aws.document.send(
        new PutCommand({
          TableName: tables.messages,
          ...numberItem(numberKeyOf(to), undefined, stateWith(1_100, false), SETTINGS, 'w'),
        }),
      );
    }
    const guard = new AntiLoopGuard(aws.document, tables.messages, SETTINGS, () => new Date(NOW));
    // Act
    const verdicts = await guard
      .admitMany(numbers.map((to) => prepare(to, 'Your weekly report is ready')))
      .then(
        (answers) => answers.map((answer) => answer.verdict),
        (error: Error) => [`threw ${error.name}`],
      );
    // Assess: before, its one transaction of 100 Puts passed 4 MB (ValidationException) and the whole
    // batch was refused, as every resend of it would be
    expect(verdicts).toEqual(numbers.map(() => 'allowed'));
  });
});
