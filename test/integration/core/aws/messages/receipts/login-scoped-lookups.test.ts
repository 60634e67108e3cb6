import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock } from '../../factories.ts';

// Each login's SMSC numbers its own messages, so two logins may give two messages one SMSC id. The
// default account's lookups keep their plain `SMSC#<id>` key; every other account's repository
// (withSmscScope) keys its own, matches its own orphans and records its own incoming messages.

const NOW_AGE = { minOrphanAgeMs: 0 };
const DIGITS = '37255512345';

describe('SMSC ids of several logins (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let main: MessageRepository;
  let uk: MessageRepository;
  let tables: { messages: string; inbound: string };

  beforeEach(async () => {
    tables = await aws.freshTables();
    const clock = steppingClock();
    main = new MessageRepository(aws.document, tables.messages, { clock: clock.now });
    uk = main.withSmscScope('uk');
  });

  async function claimed(repository: MessageRepository, account: string): Promise<MessageRecord> {
    const record = messageRecord({ account, to: `+${DIGITS}` });
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    return record;
  }

  const rawItem = async (pk: string) =>
    (
      await aws.document.send(
        new GetCommand({ TableName: tables.messages, Key: { pk }, ConsistentRead: true }),
      )
    ).Item;

  it('when both logins’ messages get the same SMSC id, then each login’s receipt resolves its own message', async () => {
    // Prepare
    const id = smscId();
    const mainMessage = await claimed(main, 'main');
    const ukMessage = await claimed(uk, 'uk');
    await main.markSubmitted(mainMessage.id, [id], { kind: 'sms' });
    await uk.markSubmitted(ukMessage.id, [id], { kind: 'sms' });
    // Act
    await uk.applyReceipt({ ...receipt(id), stat: 'UNDELIV', outcome: 'undelivered' });
    await main.applyReceipt(receipt(id));
    // Assess
    expect((await main.get(mainMessage.id))?.status).toBe('delivered');
    expect((await main.get(ukMessage.id))?.status).toBe('undelivered');
    expect(await rawItem(`SMSC#uk#${id}`)).toMatchObject({ messageId: ukMessage.id });
    expect(await rawItem(`SMSC#${id}`)).toMatchObject({ messageId: mainMessage.id });
  });

  it('when an account’s message was submitted by a version that keyed every lookup by id alone, then its receipt still finds it, and never the default’s message with that id', async () => {
    // Prepare: the earlier version wrote the uk message's lookup under the plain key.
    const [earlierId, sharedId] = [smscId(), smscId()];
    const ukEarlier = await claimed(main, 'uk');
    await main.markSubmitted(ukEarlier.id, [earlierId], { kind: 'sms' });
    const mainMessage = await claimed(main, 'main');
    await main.markSubmitted(mainMessage.id, [sharedId], { kind: 'sms' });
    // Act
    const results = [
      await uk.applyReceipt(receipt(earlierId)),
      await uk.applyReceipt(receipt(sharedId), DIGITS),
    ];
    // Assess
    expect(results).toEqual(['applied', 'orphan-stored']);
    expect((await main.get(ukEarlier.id))?.status).toBe('delivered');
    expect((await main.get(mainMessage.id))?.status).toBe('submitted');
  });

  it('when a message of each login is unknown without ids and one orphan receipt came on each login, then each adopts its own login’s', async () => {
    // Prepare
    const mainMessage = await claimed(main, 'main');
    const ukMessage = await claimed(uk, 'uk');
    await main.markUnknown(mainMessage.id, 'the answer was lost');
    await uk.markUnknown(ukMessage.id, 'the answer was lost');
    const [mainId, ukId] = [smscId(), smscId()];
    await main.applyReceipt(receipt(mainId), DIGITS);
    await uk.applyReceipt({ ...receipt(ukId), stat: 'UNDELIV', outcome: 'undelivered' }, DIGITS);
    // Act
    const listed = [
      await main.unmatchedToCheck(new Date('2100-01-01'), 10),
      await uk.unmatchedToCheck(new Date('2100-01-01'), 10),
    ];
    const matches = [
      await main.matchOrphanReceipt(mainMessage.id, NOW_AGE),
      await uk.matchOrphanReceipt(ukMessage.id, NOW_AGE),
    ];
    // Assess
    expect(listed).toEqual([[mainMessage.id], [ukMessage.id]]);
    expect(matches).toEqual(['matched', 'matched']);
    expect(await main.get(mainMessage.id)).toMatchObject({ status: 'delivered', smscIds: [mainId] });
    expect(await main.get(ukMessage.id)).toMatchObject({ status: 'undelivered', smscIds: [ukId] });
  });

  it('when two logins each receive an incoming message with the same SMSC id, then both are recorded', async () => {
    // Prepare
    const mainInbound = new InboundRepository(aws.document, tables.inbound);
    const ukInbound = new InboundRepository(aws.document, tables.inbound, { smscScope: 'uk' });
    const incoming = (id: string) => ({
      id,
      from: `+${DIGITS}`,
      to: 'Shop',
      text: `Reply ${id}`,
      receivedAt: new Date().toISOString(),
      parts: 1,
      smscId: '4711',
    });
    // Act
    const results = [
      await mainInbound.recordInbound(incoming('01KMAIN0000000000000000000')),
      await ukInbound.recordInbound(incoming('01KUK00000000000000000000A')),
      await ukInbound.recordInbound(incoming('01KUK00000000000000000000A')),
    ];
    // Assess
    expect(results).toEqual(['recorded', 'recorded', 'duplicate']);
  });
});
