import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { expired, messageRecord, receipt, smscId, steppingClock, undelivered } from '../../factories.ts';

describe('MessageRepository: delivery receipts (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;
  let repository: MessageRepository;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
  });

  async function submitted(ids: string[], overrides: Partial<MessageRecord> = {}): Promise<MessageRecord> {
    const record = messageRecord(overrides);
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    await repository.markSubmitted(record.id, ids);
    return record;
  }

  const statuses = async (id: string) => (await repository.get(id))?.history.map((h) => h.status);

  it('when a DELIVRD receipt comes, then the message is delivered with cost and mcc/mnc', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    // Act
    const result = await repository.applyReceipt(receipt(id, { cost: '1.58', mccmnc: '25001' }));
    // Assess
    expect(result).toBe('applied');
    expect(await repository.get(record.id)).toMatchObject({
      status: 'delivered',
      cost: '1.58',
      mccmnc: '25001',
    });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  });

  it('when the receipt spells the SMSC id differently (zero padded, blanks), then it still matches', async () => {
    // Prepare
    const record = await submitted(['2748']);
    // Act: the SMSC's base (decimal here) is a setting, never guessed: see smsc-id-base.test.ts.
    const result = await repository.applyReceipt(receipt(' 0002748 '));
    // Assess
    expect(result).toBe('applied');
    expect((await repository.get(record.id))?.status).toBe('delivered');
  });

  it('when the same receipt comes twice, then the second is stale and history is not duplicated', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    await repository.applyReceipt(receipt(id));
    // Act
    const second = await repository.applyReceipt(receipt(id));
    // Assess
    expect(second).toBe('stale');
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  });

  it('when EXPIRED comes late after DELIVRD, then it is stale and the message stays delivered', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    await repository.applyReceipt(receipt(id));
    // Act
    const late = await repository.applyReceipt(expired(id));
    // Assess
    expect(late).toBe('stale');
    expect((await repository.get(record.id))?.status).toBe('delivered');
  });

  it('when UNDELIV comes with an error code, then the error carries the catalog name and meaning', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    // Act
    await repository.applyReceipt(undelivered(id, 6));
    // Assess
    expect(await repository.get(record.id)).toMatchObject({
      status: 'undelivered',
      error: { code: 6, name: 'Subscriber is offline' },
    });
  });

  it('when an e-mail bounces, then its error code is read from the e-mail table', async () => {
    // Prepare
    const id = smscId();
    const sms = await submitted([id]);
    const mailId = smscId();
    const mail = await submitted([mailId], { kind: 'mail', to: 'user@example.com', subject: 'Hi' });
    // Act
    await repository.applyReceipt(undelivered(id, 1));
    await repository.applyReceipt(undelivered(mailId, 1));
    // Assess
    const smsError = (await repository.get(sms.id))?.error;
    const mailError = (await repository.get(mail.id))?.error;
    expect(smsError?.name).toBe('The subscriber does not exist');
    expect(mailError?.name).not.toBe(smsError?.name);
  });

  it('when an ENROUTE receipt comes, then nothing changes', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    // Act
    const result = await repository.applyReceipt(receipt(id, { stat: 'ENROUTE', outcome: 'enroute' }));
    // Assess
    expect(result).toBe('stale');
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted']);
  });

  it('when stat:UNKNOWN comes for a submitted message, then it ends unknown with the error code, as SPEC lists unknown among the outcomes of submitted', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    // Act
    const result = await repository.applyReceipt(
      receipt(id, { stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245 }),
    );
    // Assess: before, the message stayed `submitted` for good (no event, nothing asked again).
    expect(result).toBe('applied');
    expect(await repository.get(record.id)).toMatchObject({ status: 'unknown', error: { code: 245 } });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'unknown']);
  });

  it('when stat:UNKNOWN comes with read flags (the read path), then it ends unknown too; a repeat changes nothing', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    const unknownStat = receipt(id, { stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245, read: true });
    // Act
    const first = await repository.applyReceipt(unknownStat);
    const repeat = await repository.applyReceipt(unknownStat);
    // Assess
    expect({ first, repeat }).toEqual({ first: 'applied', repeat: 'stale' });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'unknown']);
  });

  it('when a definitive receipt follows stat:UNKNOWN, then it moves the message on', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    await repository.applyReceipt(receipt(id, { stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245 }));
    // Act
    const later = await repository.applyReceipt(receipt(id));
    // Assess
    expect(later).toBe('applied');
    expect(await statuses(record.id)).toEqual([
      'accepted',
      'submitting',
      'submitted',
      'unknown',
      'delivered',
    ]);
    expect((await repository.get(record.id))?.error).toBeUndefined();
  });

  it('when an HLR answer comes, then its fields are stored on the message', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id], { kind: 'hlr', text: undefined });
    // Act
    await repository.applyReceipt(
      receipt(id, { hlr: { imsi: '250010000000000', networkName: 'MTS' }, mcc: '250', mnc: '01' }),
    );
    // Assess
    expect(await repository.get(record.id)).toMatchObject({
      status: 'delivered',
      hlr: { imsi: '250010000000000', networkName: 'MTS' },
      mccmnc: '25001',
    });
  });

  it('when the receipt comes before the SUBMIT_SM_RESP is recorded, then it is stored and applied by markSubmitted', async () => {
    // Prepare
    const id = smscId();
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    // Act
    const early = await repository.applyReceipt(receipt(id, { cost: '2.00' }));
    const submittedResult = await repository.markSubmitted(record.id, [id]);
    // Assess
    expect(early).toBe('orphan-stored');
    expect(submittedResult).toEqual({ result: 'applied', reconciledReceipts: 1 });
    expect(await repository.get(record.id)).toMatchObject({ status: 'delivered', cost: '2.00' });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
    const { Item } = await aws.document.send(new GetCommand({ TableName: table, Key: { pk: `SMSC#${id}` } }));
    expect(Item?.pendingReceipts).toBeUndefined();
  });

  it('when receipt and markSubmitted race (20 rounds), then every message ends delivered', async () => {
    // Prepare
    const rounds = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const record = messageRecord();
        await repository.createAccepted(record);
        await repository.claimForSubmit(record.id);
        return { record, id: smscId() };
      }),
    );
    // Act
    for (const { record, id } of rounds) {
      await Promise.all([repository.applyReceipt(receipt(id)), repository.markSubmitted(record.id, [id])]);
    }
    // Assess
    for (const { record } of rounds) {
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
    }
  });

  it('when read and clicked follow-ups come after delivery, then only the flags are set, once', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    await repository.applyReceipt(receipt(id));
    // Act
    const read = await repository.applyReceipt(receipt(id, { read: true }));
    const readAgain = await repository.applyReceipt(receipt(id, { read: true }));
    const clicked = await repository.applyReceipt(receipt(id, { read: true, clicked: true }));
    // Assess
    expect([read, readAgain, clicked]).toEqual(['applied', 'stale', 'applied']);
    expect(await repository.get(record.id)).toMatchObject({ status: 'delivered', read: true, clicked: true });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  });

  it('when a read flag comes on an undelivered message, then it is stale', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    await repository.applyReceipt(undelivered(id, 6));
    // Act
    const result = await repository.applyReceipt(receipt(id, { read: true }));
    // Assess
    expect(result).toBe('stale');
    expect((await repository.get(record.id))?.read).toBe(false);
  });

  it('when SINGLE parts all report delivered, then the message is delivered only after the last, with summed cost', async () => {
    // Prepare
    const ids = [smscId(), smscId(), smscId()];
    const record = await submitted(ids, { parts: 3 });
    // Act
    const first = await repository.applyReceipt(receipt(ids[0] ?? '', { cost: '1.5' }));
    const duplicate = await repository.applyReceipt(receipt(ids[0] ?? '', { cost: '1.5' }));
    await repository.applyReceipt(receipt(ids[1] ?? '', { cost: '1.25' }));
    const afterTwo = await repository.get(record.id);
    await repository.applyReceipt(receipt(ids[2] ?? '', { cost: '1' }));
    // Assess
    expect([first, duplicate]).toEqual(['applied', 'stale']);
    expect(afterTwo?.status).toBe('submitted');
    expect(await repository.get(record.id)).toMatchObject({
      status: 'delivered',
      cost: '3.75',
      smscIds: ids,
    });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  });

  it("when the last SINGLE part reports stat:UNKNOWN, then the message ends unknown with its error code; that part's later DELIVRD delivers it, as a one-id message is", async () => {
    // Prepare
    const ids = [smscId(), smscId()];
    const record = await submitted(ids, { parts: 2 });
    const unknownStat = (id: string) => receipt(id, { stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245 });
    // Act
    await repository.applyReceipt(receipt(ids[0] ?? ''));
    const unknownLast = await repository.applyReceipt(unknownStat(ids[1] ?? ''));
    const afterUnknown = await repository.get(record.id);
    const repeat = await repository.applyReceipt(unknownStat(ids[1] ?? ''));
    const deliveredLater = await repository.applyReceipt(receipt(ids[1] ?? ''));
    // Assess: before, the UNKNOWN was dropped and the message stayed `submitted` for good when no
    // other receipt came for that part.
    expect({ unknownLast, repeat, deliveredLater }).toEqual({
      unknownLast: 'applied',
      repeat: 'stale',
      deliveredLater: 'applied',
    });
    expect(afterUnknown).toMatchObject({ status: 'unknown', error: { code: 245 } });
    expect(await repository.get(record.id)).toMatchObject({ status: 'delivered' });
    expect((await repository.get(record.id))?.error).toBeUndefined();
    expect(await statuses(record.id)).toEqual([
      'accepted',
      'submitting',
      'submitted',
      'unknown',
      'delivered',
    ]);
  });

  it('when a SINGLE part reports stat:UNKNOWN before the others, then the message waits for every part and takes the worst', async () => {
    // Prepare
    const ids = [smscId(), smscId(), smscId()];
    const record = await submitted(ids, { parts: 3 });
    // Act
    await repository.applyReceipt(
      receipt(ids[0] ?? '', { stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245 }),
    );
    const afterUnknown = await repository.get(record.id);
    await repository.applyReceipt(receipt(ids[1] ?? ''));
    await repository.applyReceipt(undelivered(ids[2] ?? '', 6));
    const settled = await repository.get(record.id);
    const lateDelivered = await repository.applyReceipt(receipt(ids[0] ?? ''));
    // Assess: an undelivered part is final news the UNKNOWN part's later DELIVRD cannot undo.
    expect(afterUnknown?.status).toBe('submitted');
    expect(settled).toMatchObject({ status: 'undelivered', error: { code: 6 } });
    expect(lateDelivered).toBe('applied');
    expect(await repository.get(record.id)).toMatchObject({ status: 'undelivered', error: { code: 6 } });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'undelivered']);
  });

  it("when SINGLE parts settle a message, then its report counts every part's receipt, not only the last one's", async () => {
    // Prepare: each part's receipt counts that part alone (sub:001, TLV 0x2002 = 1)
    const ids = [smscId(), smscId(), smscId()];
    const record = await submitted(ids, { parts: 3 });
    const counts = (delivered: number) => ({ parts: 1, submittedParts: 1, deliveredParts: delivered });
    // Act
    await repository.applyReceipt(receipt(ids[0] ?? '', counts(1)));
    await repository.applyReceipt(receipt(ids[1] ?? '', counts(1)));
    await repository.applyReceipt(undelivered(ids[2] ?? '', 6, counts(0)));
    // Assess: before, the report was the settling part's: "1 of 1 parts delivered" for an
    // undelivered message of 3 parts, 2 of them delivered
    expect(await repository.get(record.id)).toMatchObject({
      status: 'undelivered',
      report: { parts: 3, submittedParts: 3, deliveredParts: 2 },
    });
  });

  it('when a SINGLE part receipt lacks a count, then the message report leaves that count out rather than show a partial sum', async () => {
    // Prepare
    const ids = [smscId(), smscId()];
    const record = await submitted(ids, { parts: 2 });
    // Act
    await repository.applyReceipt(receipt(ids[0] ?? '', { parts: 1, submittedParts: 1, deliveredParts: 1 }));
    await repository.applyReceipt(receipt(ids[1] ?? '', { parts: 1 }));
    // Assess
    const report = (await repository.get(record.id))?.report;
    expect(report).toEqual({ parts: 2 });
  });

  it('when SINGLE parts report concurrently and one is undelivered, then the message takes the worst outcome', async () => {
    // Prepare
    const ids = [smscId(), smscId(), smscId(), smscId()];
    const record = await submitted(ids, { parts: 4 });
    // Act
    const results = await Promise.all([
      repository.applyReceipt(receipt(ids[0] ?? '')),
      repository.applyReceipt(undelivered(ids[1] ?? '', 6)),
      repository.applyReceipt(expired(ids[2] ?? '')),
      repository.applyReceipt(receipt(ids[3] ?? '')),
    ]);
    // Assess
    expect(results).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(await repository.get(record.id)).toMatchObject({ status: 'undelivered', error: { code: 6 } });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'undelivered']);
  });

  it('when a SINGLE part receipt comes before markSubmitted, then it counts once the message is submitted', async () => {
    // Prepare
    const ids = [smscId(), smscId()];
    const record = messageRecord({ parts: 2 });
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    await repository.applyReceipt(receipt(ids[0] ?? ''));
    // Act
    const submittedResult = await repository.markSubmitted(record.id, ids);
    await repository.applyReceipt(receipt(ids[1] ?? ''));
    // Assess
    expect(submittedResult.reconciledReceipts).toBe(1);
    expect((await repository.get(record.id))?.status).toBe('delivered');
  });

  it('when a receipt is for a message that no longer exists, then it is stale, not an error', async () => {
    // Prepare
    const id = smscId();
    const record = await submitted([id]);
    await aws.document.send(
      new (await import('@aws-sdk/lib-dynamodb')).DeleteCommand({
        TableName: table,
        Key: { pk: `MSG#${record.id}` },
      }),
    );
    // Act
    const result = await repository.applyReceipt(receipt(id));
    // Assess
    expect(result).toBe('stale');
  });
});
