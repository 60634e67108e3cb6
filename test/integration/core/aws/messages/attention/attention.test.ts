import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock, T0 } from '../../factories.ts';

// The one byAttention index serves two readers: the sweeper (`accepted#<hour>#<shard>` entries) and
// the reconciler (`unknown`). Every status write clears the entry or sets the one its new status
// needs, so each reader finds exactly the messages in its status and nothing else.

const HOUR_MS = 3_600_000;
const ERROR: MessageError = { code: 'test', name: 'Test', description: 'test error' };

describe('MessageRepository: the byAttention entry follows the status (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;
  let repository: MessageRepository;
  let clock: ReturnType<typeof steppingClock>;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    clock = steppingClock();
    repository = new MessageRepository(aws.document, table, { clock: clock.now });
  });

  const attentionOf = async (id: string) => {
    const { Item } = await aws.document.send(
      new GetCommand({ TableName: table, Key: { pk: `MSG#${id}` }, ConsistentRead: true }),
    );
    return Item?.attention as string | undefined;
  };
  const sweeperSees = async () =>
    (
      await repository.findDueAccepted({
        dueBy: new Date(T0.getTime() + HOUR_MS),
        lookbackHours: 2,
        limit: 100,
      })
    )
      .map((entry) => entry.id)
      .sort();
  const reconcilerSees = async () =>
    (await repository.unknownToQuery('main', new Date(T0.getTime() + HOUR_MS), 100)).sort();

  it('when a message is created, claimed, given back, claimed again and ends unknown with an SMSC id, then it moves from the sweeper’s entries to the reconciler’s', async () => {
    // Prepare
    const record = messageRecord();
    const id = smscId();
    // Act + Assess, step by step
    await repository.createAccepted(record);
    expect(await attentionOf(record.id)).toMatch(/^accepted#2030-01-01T00#[0-3]$/);
    expect(await sweeperSees()).toEqual([record.id]);

    await repository.claimForSubmit(record.id);
    expect(await attentionOf(record.id)).toBeUndefined();
    expect(await sweeperSees()).toEqual([]);

    await repository.releaseClaim(record.id);
    expect(await attentionOf(record.id)).toMatch(/^accepted#/);
    expect(await sweeperSees()).toEqual([record.id]);

    await repository.claimForSubmit(record.id);
    await repository.markUnknown(record.id, 'no answer', [id], { kind: 'sms', account: 'main' });
    expect(await attentionOf(record.id)).toBe('unknown#main');
    expect(await sweeperSees()).toEqual([]);
    expect(await reconcilerSees()).toEqual([record.id]);

    await repository.applyReceipt(receipt(id));
    expect((await repository.get(record.id))?.status).toBe('delivered');
    expect(await attentionOf(record.id)).toBeUndefined();
    expect(await reconcilerSees()).toEqual([]);
  });

  it('when accepted messages expire, fail to enqueue or are rejected, then none is left for the sweeper', async () => {
    // Prepare
    const [expired, notQueued, rejected, waiting] = [
      messageRecord(),
      messageRecord(),
      messageRecord(),
      messageRecord(),
    ];
    for (const record of [expired, notQueued, rejected, waiting]) await repository.createAccepted(record);
    // Act
    await repository.markExpired(expired.id, ERROR);
    await repository.markNotQueued(notQueued.id, ERROR);
    await repository.markRejected(rejected.id, ERROR);
    // Assess
    expect(await sweeperSees()).toEqual([waiting.id]);
    for (const record of [expired, notQueued, rejected]) expect(await attentionOf(record.id)).toBeUndefined();
  });

  it('when the reconciler defers an unknown message, then the sweeper’s reschedule cannot touch it, and the other way round', async () => {
    // Prepare: one message waiting for the sweeper, one unknown with an SMSC id.
    const accepted = messageRecord();
    const unknown = messageRecord();
    await repository.createAccepted(accepted);
    await repository.createAccepted(unknown);
    await repository.claimForSubmit(unknown.id);
    await repository.markUnknown(unknown.id, 'no answer', [smscId()], { kind: 'sms', account: 'main' });
    const [due] = await repository.findDueAccepted({
      dueBy: new Date(T0.getTime() + HOUR_MS),
      lookbackHours: 2,
      limit: 10,
    });
    // Act
    const crossed = await repository.rescheduleAccepted(unknown.id, due?.attentionAt ?? '', T0.toISOString());
    await repository.nextQueryAt(accepted.id, 'main', new Date(T0.getTime() + 2 * HOUR_MS));
    // Assess
    expect(crossed).toBe('stale');
    expect(await attentionOf(unknown.id)).toBe('unknown#main');
    expect(await attentionOf(accepted.id)).toMatch(/^accepted#/);
    expect(await sweeperSees()).toEqual([accepted.id]);
    expect(await reconcilerSees()).toEqual([unknown.id]);
  });
});
