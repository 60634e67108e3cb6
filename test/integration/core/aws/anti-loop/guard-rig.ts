import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { type PreparedMessage, prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { PROVIDER_ANTI_LOOP } from '#core/domain/provider/anti-loop.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import type { LocalAws } from '#test/helpers/aws/local-aws.ts';

// What the AntiLoopGuard tests share: the number items' keys, prepared messages, and a guard on fresh
// tables with a clock the test moves.

export const numberKeyOf = (to: string) => `LOOP#TO#${createHash('sha256').update(to).digest('hex')}`;

export const prepare = (to: string, text: string): PreparedMessage =>
  prepareMessage(sendMessageSchema.parse({ to, text }), { isoMode: false, maxParts: 10 });

/** A guard with the provider's rules on fresh tables; `itemOf` reads a number's item back. */
export async function guardAt(aws: LocalAws, start = Date.parse('2025-01-01T00:00:00Z')) {
  const tables = await aws.freshTables();
  const clock = { now: start };
  const guard = new AntiLoopGuard(
    aws.document,
    tables.messages,
    PROVIDER_ANTI_LOOP,
    () => new Date(clock.now),
  );
  const itemOf = async (to: string) => {
    const { Item } = await aws.document.send(
      new GetCommand({ TableName: tables.messages, Key: { pk: numberKeyOf(to) }, ConsistentRead: true }),
    );
    return Item;
  };
  return { guard, clock, tables, itemOf };
}
