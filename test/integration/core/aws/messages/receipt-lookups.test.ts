import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { commitSubmitted } from '#core/aws/messages/submitted-writes.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, undelivered } from '../factories.ts';
import { useCountingRepository } from './counting-client.ts';
import { lookupSteps } from './lookup-steps.ts';

// The SMSC# lookup item carries what a receipt needs (message id, channel, number of SMSC ids), so a
// receipt for a single-id message is one read and one conditional update (each a grouped call:
// BatchGetItem, BatchExecuteStatement, carrying one item when alone); and markSubmitted
// reads its lookups back only when a receipt had been parked on them. The process that wrote the
// lookup remembers it and skips that read; another task (or the same one after a restart) reads it.

describe('MessageRepository: SMSC-id lookups and the cheap receipt path (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  const rig = useCountingRepository(aws);

  const { claimed, lookupItem, statuses } = lookupSteps(aws, rig);
  /** A repository that did not write the lookups: another task, or this one after a restart. */
  const anotherTask = () => new MessageRepository(rig.counting.document, rig.table);
  /** Changes the stored kind behind the rig.repository's back: only a read of the message would see it. */
  const setStoredKind = (id: string, kind: string) =>
    aws.document.send(
      new UpdateCommand({
        TableName: rig.table,
        Key: { pk: `MSG#${id}` },
        UpdateExpression: 'SET #kind = :kind',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':kind': kind },
      }),
    );

  it('when a single-part message goes from accepted to delivered in one task, then it costs four DynamoDB calls', async () => {
    // Prepare
    const record = messageRecord();
    const id = smscId();
    // Act
    const calls = await rig.counting.during(async () => {
      await rig.repository.createAccepted(record);
      await rig.repository.claimForSubmit(record.id);
      await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
      await rig.repository.applyReceipt(receipt(id));
    });
    // Assess: the receipt's lookup was written by this repository, so it is not read back.
    expect(calls).toEqual([
      'PutItemCommand',
      'BatchExecuteStatementCommand',
      'TransactWriteItemsCommand',
      'BatchExecuteStatementCommand',
    ]);
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  });

  it('when the receipt comes to another task, then it reads the lookup first: one call more', async () => {
    // Prepare
    const record = await claimed();
    const id = smscId();
    await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
    // Act
    const calls = await rig.counting.during(() => anotherTask().applyReceipt(receipt(id)));
    // Assess
    expect(calls).toEqual(['BatchGetItemCommand', 'BatchExecuteStatementCommand']);
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  });

  it('when an ENROUTE receipt comes before the final one, then neither reads the lookup', async () => {
    // Prepare
    const record = await claimed();
    const id = smscId();
    await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
    // Act
    const calls = await rig.counting.during(async () => {
      await rig.repository.applyReceipt(receipt(id, { stat: 'ENROUTE', outcome: 'enroute' }));
      await rig.repository.applyReceipt(receipt(id));
    });
    // Assess
    expect(calls).toEqual(['BatchExecuteStatementCommand']);
    expect((await rig.repository.get(record.id))?.status).toBe('delivered');
  });

  it('when markSubmitted is stale because the message failed meanwhile, then its ids are not taken as known', async () => {
    // Prepare: nothing wrote the lookup, so the receipt must find none and park itself.
    const record = await claimed();
    const id = smscId();
    await rig.repository.markFailed(record.id, { code: 'x', name: 'Failed', description: 'test' });
    const submitted = await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
    // Act
    const result = await rig.repository.applyReceipt(receipt(id));
    // Assess
    expect(submitted.result).toBe('stale');
    expect(result).toBe('orphan-stored');
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'failed']);
  });

  it('when marked submitted with its kind, then the lookup carries the message id, its channel and its id count', async () => {
    // Prepare
    const record = await claimed({ kind: 'mail', to: 'user@example.com', subject: 'Hi' });
    const id = smscId();
    // Act
    const result = await rig.repository.markSubmitted(record.id, [id], { kind: 'mail' });
    // Assess
    expect(result).toEqual({ result: 'applied', reconciledReceipts: 0 });
    expect(await lookupItem(id)).toMatchObject({ messageId: record.id, channel: 'mail', smscIdCount: 1 });
  });

  it('when a single-id receipt comes, then it is applied from the lookup alone: the lookup’s channel names the error, not the message read', async () => {
    // Prepare: recorded as an SMS, then the stored kind changed to mail, which only a read would notice.
    const record = await claimed();
    const id = smscId();
    await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
    await setStoredKind(record.id, 'mail');
    // Act
    const result = await rig.repository.applyReceipt(undelivered(id, 1, { cost: '0.5' }));
    // Assess
    expect(result).toBe('applied');
    expect(await rig.repository.get(record.id)).toMatchObject({
      status: 'undelivered',
      cost: '0.5',
      error: { code: 1, name: 'The subscriber does not exist' },
    });
  });

  it('when the lookup was written before it carried the channel, then the receipt reads the message as before', async () => {
    // Prepare: the same set-up, but a lookup of the old shape (message id only).
    const record = await claimed();
    const id = smscId();
    await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
    await aws.document.send(
      new PutCommand({
        TableName: rig.table,
        Item: { pk: `SMSC#${id}`, messageId: record.id, expiresAt: 1 },
      }),
    );
    await setStoredKind(record.id, 'mail');
    // Act: in another task, since the one that wrote the lookup would not read it.
    const result = await anotherTask().applyReceipt(undelivered(id, 1));
    // Assess: the e-mail table's meaning of 1, so the message was read.
    expect(result).toBe('applied');
    const stored = await rig.repository.get(record.id);
    expect(stored?.status).toBe('undelivered');
    expect(stored?.error?.name).not.toBe('The subscriber does not exist');
  });

  it('when the same receipt comes again or a read follow-up comes, then they are decided on a read, once', async () => {
    // Prepare
    const record = await claimed({ kind: 'viber' });
    const id = smscId();
    await rig.repository.markSubmitted(record.id, [id], { kind: 'viber' });
    await rig.repository.applyReceipt(receipt(id));
    // Act
    const again = await rig.repository.applyReceipt(receipt(id));
    const read = await rig.repository.applyReceipt(receipt(id, { read: true }));
    const enroute = await rig.repository.applyReceipt(receipt(id, { stat: 'ENROUTE', outcome: 'enroute' }));
    // Assess
    expect([again, read, enroute]).toEqual(['stale', 'applied', 'stale']);
    expect(await rig.repository.get(record.id)).toMatchObject({ status: 'delivered', read: true });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
  });

  it('when a lookup claims one id but the message has several, then the receipt counts as one SINGLE part', async () => {
    // Prepare
    const record = await claimed({ parts: 2 });
    const ids = [smscId(), smscId()];
    await rig.repository.markSubmitted(record.id, ids, { kind: 'sms' });
    await aws.document.send(
      new UpdateCommand({
        TableName: rig.table,
        Key: { pk: `SMSC#${ids[0]}` },
        UpdateExpression: 'SET smscIdCount = :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    // Act: in another task, which reads the changed lookup.
    const result = await anotherTask().applyReceipt(receipt(ids[0] ?? ''));
    // Assess: the second part has not reported, so the message is not delivered yet.
    expect(result).toBe('applied');
    expect((await rig.repository.get(record.id))?.status).toBe('submitted');
  });

  it('when a receipt was parked before markSubmitted, then markSubmitted still reconciles it and clears it', async () => {
    // Prepare
    const record = await claimed();
    const id = smscId();
    const early = await rig.repository.applyReceipt(receipt(id, { cost: '2.00' }));
    // Act
    const submitted = await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
    // Assess
    expect(early).toBe('orphan-stored');
    expect(submitted).toEqual({ result: 'applied', reconciledReceipts: 1 });
    expect(await rig.repository.get(record.id)).toMatchObject({ status: 'delivered', cost: '2.00' });
    const lookup = await lookupItem(id);
    expect(lookup).toMatchObject({ messageId: record.id, channel: 'sms', smscIdCount: 1 });
    expect(lookup?.pendingReceipts).toBeUndefined();
  });

  it('when receipts and markSubmitted race (20 rounds), then every message ends delivered exactly once', async () => {
    // Prepare
    const rounds = await Promise.all(
      Array.from({ length: 20 }, async () => ({ record: await claimed(), id: smscId() })),
    );
    // Act
    await Promise.all(
      rounds.map(({ record, id }) =>
        Promise.all([
          rig.repository.applyReceipt(receipt(id)),
          rig.repository.markSubmitted(record.id, [id], { kind: 'sms' }),
        ]),
      ),
    );
    // Assess
    for (const { record, id } of rounds) {
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
      expect((await lookupItem(id))?.pendingReceipts).toBeUndefined();
    }
  });

  it('when a receipt comes while this task is still writing submitted for its SMSC id, then it waits for that write instead of parking', async () => {
    // Prepare
    const record = await claimed();
    const id = smscId();
    // Act: the SUBMIT_SM_RESP is being recorded when the DELIVER_SM for it comes.
    let result: unknown;
    const calls = await rig.counting.during(async () => {
      const submitted = rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
      result = await rig.repository.applyReceipt(receipt(id));
      await submitted;
    });
    // Assess: no lookup read, no parking, no second transaction, nothing to clear.
    expect(result).toBe('applied');
    expect(calls).toEqual(['TransactWriteItemsCommand', 'BatchExecuteStatementCommand']);
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
    expect((await lookupItem(id))?.pendingReceipts).toBeUndefined();
  });

  describe('a crash between the submitted transaction and the reconciliation', () => {
    /** What the process did before it died: the transaction alone, lookups written over a parked receipt. */
    async function committedThenCrashed(record: MessageRecord, id: string): Promise<void> {
      const messages: MessageTable = { client: aws.document, tableName: rig.table, now: () => new Date() };
      await commitSubmitted(messages, { messageId: record.id, smscIds: [id], channel: 'sms', expiresAt: 1 });
    }

    it('when markSubmitted is called again, then it is stale and applies the receipt left parked', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      await rig.repository.applyReceipt(receipt(id));
      await committedThenCrashed(record, id);
      const afterCrash = await rig.repository.get(record.id);
      // Act
      const again = await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
      // Assess
      expect(afterCrash?.status).toBe('submitted');
      expect(again).toEqual({ result: 'stale', reconciledReceipts: 1 });
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
      expect((await lookupItem(id))?.pendingReceipts).toBeUndefined();
    });

    it('when the next receipt for that SMSC id comes, then the parked one is applied first', async () => {
      // Prepare
      const record = await claimed({ kind: 'viber' });
      const id = smscId();
      await rig.repository.applyReceipt(receipt(id, { cost: '1.10' }));
      await committedThenCrashed(record, id);
      // Act
      const followUp = await rig.repository.applyReceipt(receipt(id, { read: true }));
      // Assess
      expect(followUp).toBe('applied');
      expect(await rig.repository.get(record.id)).toMatchObject({
        status: 'delivered',
        cost: '1.10',
        read: true,
      });
      expect((await lookupItem(id))?.pendingReceipts).toBeUndefined();
    });
  });
});
