import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { commitSubmitted } from '#core/aws/messages/submitted-writes.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock, undelivered } from '../../factories.ts';

// Messages whose submit outcome is `unknown`: what a late SUBMIT_SM_RESP writes, which receipts may
// resolve them, and receipts a crash left parked.

describe('MessageRepository: unknown messages, late answers, parked receipts (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;
  let repository: MessageRepository;
  let clock: ReturnType<typeof steppingClock>;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    clock = steppingClock();
    repository = new MessageRepository(aws.document, table, { clock: clock.now });
  });

  async function claimed(overrides: Partial<MessageRecord> = {}): Promise<MessageRecord> {
    const record = messageRecord(overrides);
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    return record;
  }

  const rawItem = async (pk: string) =>
    (await aws.document.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;
  const lookupItem = (id: string) => rawItem(`SMSC#${id}`);
  const statuses = async (id: string) => (await repository.get(id))?.history.map((h) => h.status);

  describe('SINGLE mode with a part’s id missing', () => {
    it('when the message is unknown with its first part’s id only, then that part’s receipt leaves it unknown', async () => {
      // Prepare: part 1 of 3 accepted, part 2 on the wire without an answer, part 3 never sent.
      const record = await claimed({ parts: 3 });
      const id = smscId();
      await repository.markUnknown(record.id, 'no answer to part 2 of 3', [id], {
        kind: 'sms',
        expectedSmscIds: 2,
      });
      // Act
      const applied = await repository.applyReceipt(receipt(id, { cost: '1' }));
      // Assess
      expect(applied).toBe('applied');
      expect(await repository.get(record.id)).toMatchObject({ status: 'unknown', smscIds: [id] });
      expect(await lookupItem(id)).toMatchObject({ messageId: record.id, smscIdCount: 2 });
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown']);
    });

    it('when the last part is answered late but an earlier part was accepted without an id, then the message stays unknown, listed for QUERY_SM', async () => {
      // Prepare: part 1 accepted with an empty message_id, part 2 with id b, part 3 unanswered.
      const record = await claimed({ parts: 3, account: 'uk' });
      const [b, c] = [smscId(), smscId()];
      await repository.markUnknown(record.id, 'no answer to part 3 of 3', [b], {
        kind: 'sms',
        expectedSmscIds: 3,
      });
      // Act
      await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: c,
        lastPart: true,
        expectedSmscIds: 3,
      });
      // Assess: before, `submitted` with 2 of its 3 ids: no receipt could complete it and no
      // reconciler asks about a submitted message.
      expect(await repository.get(record.id)).toMatchObject({ status: 'unknown', smscIds: [b, c] });
      expect(await rawItem(`MSG#${record.id}`)).toMatchObject({ attention: 'unknown#uk' });
    });

    it('when the missing part’s id comes late and both parts report, then the message is delivered', async () => {
      // Prepare
      const record = await claimed({ parts: 2 });
      const ids = [smscId(), smscId()];
      await repository.markUnknown(record.id, 'no answer to part 2 of 2', [ids[0] ?? ''], {
        kind: 'sms',
        expectedSmscIds: 2,
      });
      await repository.applyReceipt(receipt(ids[0] ?? '', { cost: '1' }));
      // Act
      const late = await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: ids[1] ?? '',
        lastPart: true,
        expectedSmscIds: 2,
      });
      const afterLate = (await repository.get(record.id))?.status;
      await repository.applyReceipt(receipt(ids[1] ?? '', { cost: '2' }));
      // Assess
      expect([late, afterLate]).toEqual(['applied', 'submitted']);
      expect(await repository.get(record.id)).toMatchObject({ status: 'delivered', cost: '3', smscIds: ids });
    });
  });

  describe('SINGLE mode with parts never sent (the SMSC hands each part on by itself)', () => {
    /** Parts 1..accepted of `parts` accepted, the rest never sent, as recordOutcome writes it. */
    async function incomplete(parts: number, accepted: number) {
      const record = await claimed({ parts });
      const ids = Array.from({ length: accepted }, () => smscId());
      await repository.markUnknown(
        record.id,
        `Not sent (parts-window) (part ${accepted + 1} of ${parts})`,
        ids,
        {
          kind: 'sms',
          expectedSmscIds: accepted,
          unsentParts: parts - accepted,
        },
      );
      return { record, ids };
    }

    /** Part 1 of 2 unanswered, so part 2 never went: `unknown` with no SMSC id, as recordOutcome writes it. */
    async function firstOfTwoUnanswered() {
      const record = await claimed({ parts: 2 });
      await repository.markUnknown(record.id, 'No SUBMIT_SM_RESP (part 1 of 2)', [], {
        kind: 'sms',
        expectedSmscIds: 1,
        unsentParts: 1,
      });
      return record;
    }

    it('when parts 1-2 of 3 went and both are delivered, then the message is undelivered, saying a part was never sent', async () => {
      // Prepare
      const { record, ids } = await incomplete(3, 2);
      // Act
      for (const id of ids) await repository.applyReceipt(receipt(id));
      // Assess: before, `delivered`, with the note that part 3 never went cleared by the err 0.
      expect(await repository.get(record.id)).toMatchObject({
        status: 'undelivered',
        error: {
          code: 'parts_not_sent',
          description: '1 of its 3 parts were never sent; the recipient got the rest only',
        },
      });
    });

    it('when only part 1 of 3 went and it is delivered, then the message is undelivered', async () => {
      // Prepare: one SMSC id, so its receipt is applied without a read when it can be.
      const { record, ids } = await incomplete(3, 1);
      // Act
      await repository.applyReceipt(receipt(ids[0] ?? ''));
      // Assess
      expect(await repository.get(record.id)).toMatchObject({
        status: 'undelivered',
        error: { code: 'parts_not_sent' },
      });
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'undelivered']);
    });

    it('when part 2 of 3 was answered late and parts 1-2 are delivered, then the message is undelivered', async () => {
      // Prepare: part 2 unanswered in time, so part 3 never went; its answer comes late.
      const record = await claimed({ parts: 3 });
      const [a, b] = [smscId(), smscId()];
      await repository.markUnknown(record.id, 'No SUBMIT_SM_RESP (part 2 of 3)', [a], {
        kind: 'sms',
        expectedSmscIds: 2,
        unsentParts: 1,
      });
      await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: b,
        lastPart: false,
        expectedSmscIds: 2,
      });
      // Act
      await repository.applyReceipt(receipt(a));
      await repository.applyReceipt(receipt(b));
      // Assess
      expect(await repository.get(record.id)).toMatchObject({
        status: 'undelivered',
        error: { code: 'parts_not_sent' },
      });
    });

    it('when part 1 of 2 went unanswered (part 2 never sent) and its id comes late and is delivered, then the message is undelivered', async () => {
      // Prepare: no SMSC id known when the unknown is written.
      const record = await firstOfTwoUnanswered();
      const id = smscId();
      await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: id,
        lastPart: false,
        expectedSmscIds: 1,
      });
      // Act
      await repository.applyReceipt(receipt(id));
      // Assess: before, the unsent mark was dropped with no id to write, and the message ended delivered.
      expect(await repository.get(record.id)).toMatchObject({
        status: 'undelivered',
        error: { code: 'parts_not_sent' },
      });
    });

    it('when the unanswered first part was not taken after all, then it goes again whole and its receipt makes it delivered', async () => {
      // Prepare
      const record = await firstOfTwoUnanswered();
      const error = { code: 'ESME_RTHROTTLED', name: 'Throttling error', description: 'throttled late' };
      await repository.recordLateAnswer(record.id, { kind: 'not-taken', error });
      // Act: sent again whole, both parts accepted and delivered.
      await repository.claimForSubmit(record.id);
      const ids = [smscId(), smscId()];
      await repository.markSubmitted(record.id, ids);
      for (const id of ids) await repository.applyReceipt(receipt(id));
      // Assess
      expect((await repository.get(record.id))?.status).toBe('delivered');
    });

    it('when a part sent is undelivered, then the message takes that part’s error', async () => {
      // Prepare
      const { record, ids } = await incomplete(3, 2);
      // Act
      await repository.applyReceipt(receipt(ids[0] ?? ''));
      await repository.applyReceipt(undelivered(ids[1] ?? '', 1));
      // Assess
      const after = await repository.get(record.id);
      expect(after?.status).toBe('undelivered');
      expect(after?.error?.code).toBeDefined();
      expect(after?.error?.code).not.toBe('parts_not_sent');
    });
  });

  describe('a crash between the submitted transaction and the reconciliation', () => {
    it('when SQS delivers the message again and it is claimed, then the claim applies the receipt left parked', async () => {
      // Prepare: the transaction alone, its lookup written over a parked receipt.
      const record = await claimed();
      const id = smscId();
      await repository.applyReceipt(undelivered(id, 6));
      const messages: MessageTable = { client: aws.document, tableName: table, now: () => new Date() };
      await commitSubmitted(messages, { messageId: record.id, smscIds: [id], channel: 'sms', expiresAt: 1 });
      // Act
      const claim = await repository.claimForSubmit(record.id);
      // Assess
      expect(claim).toBe('already-claimed');
      expect(await repository.get(record.id)).toMatchObject({ status: 'undelivered', error: { code: 6 } });
      expect((await lookupItem(id))?.pendingReceipts).toBeUndefined();
    });
  });

  describe('recordLateAnswer', () => {
    it('when the message is still submitting, then the answer is pending and nothing is written', async () => {
      // Prepare
      const record = await claimed();
      // Act
      const result = await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: smscId(),
        lastPart: true,
      });
      // Assess
      expect(result).toBe('pending');
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting']);
    });

    it('when an earlier part is answered late, then the message stays unknown with the id, listed for its account’s QUERY_SM', async () => {
      // Prepare: part 1 of 2 timed out, so part 2 was never sent.
      const record = await claimed({ parts: 2, account: 'uk' });
      await repository.markUnknown(record.id, 'no answer to part 1 of 2');
      const id = smscId();
      // Act
      const result = await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: id,
        lastPart: false,
      });
      // Assess
      expect(result).toBe('applied');
      expect(await repository.get(record.id)).toMatchObject({ status: 'unknown', smscIds: [id] });
      expect(await rawItem(`MSG#${record.id}`)).toMatchObject({ attention: 'unknown#uk' });
      expect(await lookupItem(id)).toMatchObject({ messageId: record.id, channel: 'sms' });
    });

    it('when the answer is a refusal, then the unknown message is failed with it', async () => {
      // Prepare
      const record = await claimed();
      await repository.markUnknown(record.id, 'no answer');
      const error = { code: 'ESME_RSUBMITFAIL', name: 'submit_sm failed', description: 'refused late' };
      // Act
      const result = await repository.recordLateAnswer(record.id, { kind: 'refused', error });
      // Assess
      expect(result).toBe('applied');
      expect(await repository.get(record.id)).toMatchObject({ status: 'failed', error });
    });

    it('when the SMSC did not take the first part after all (throttled late), then the message is accepted again and listed for the sweeper to send', async () => {
      // Prepare: the only SUBMIT_SM's answer missed the timeout; the SQS copy is deleted by then.
      const record = await claimed({ account: 'uk' });
      await repository.markUnknown(record.id, 'no answer');
      const error = { code: 'ESME_RTHROTTLED', name: 'Throttling error', description: 'throttled late' };
      // Act
      const result = await repository.recordLateAnswer(record.id, { kind: 'not-taken', error });
      // Assess: before, it ended `failed` with ESME_RTHROTTLED, never sent although the SMSC took nothing.
      expect(result).toBe('applied');
      const after = await repository.get(record.id);
      expect(after?.status).toBe('accepted');
      expect(after?.error).toBeUndefined();
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'accepted']);
      expect(await rawItem(`MSG#${record.id}`)).toMatchObject({
        attention: expect.stringMatching(/^accepted#/),
      });
      const claimedAgain = await repository.claimForSubmit(record.id);
      expect(claimedAgain).toBe('claimed');
    });

    it('when a message with a part at the SMSC is answered not taken late, then it stays unknown', async () => {
      // Prepare: part 1 of 2 accepted late, so part 2's late throttling cannot mean a resend of the whole.
      const record = await claimed({ parts: 2 });
      await repository.markUnknown(record.id, 'no answer to part 2 of 2', [smscId()]);
      const error = { code: 'ESME_RTHROTTLED', name: 'Throttling error', description: 'throttled late' };
      // Act
      const result = await repository.recordLateAnswer(record.id, { kind: 'not-taken', error });
      // Assess
      expect(result).toBe('stale');
      expect((await repository.get(record.id))?.status).toBe('unknown');
    });

    it('when the late answer is OK without a message_id, then the message stays unknown without ids and no shared SMSC# lookup is written', async () => {
      // Prepare: an answer in time like this one is recorded `unknown` (an OK naming no message).
      const record = await claimed();
      await repository.markUnknown(record.id, 'no answer');
      // Act
      const result = await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: '',
        lastPart: true,
      });
      // Assess: still listed for orphan matching (unknown, no ids), as before the answer.
      expect(result).toBe('stale');
      expect(await repository.get(record.id)).toMatchObject({ status: 'unknown', smscIds: [] });
      expect(await rawItem('SMSC#')).toBeUndefined();
    });

    it('when a receipt resolved the message first, then the late answer is stale and changes nothing', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      await repository.markUnknown(record.id, 'submitted state not written in time', [id], { kind: 'sms' });
      await repository.applyReceipt(receipt(id));
      // Act
      const result = await repository.recordLateAnswer(record.id, {
        kind: 'accepted',
        smscId: id,
        lastPart: true,
      });
      // Assess
      expect(result).toBe('stale');
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
      expect((await rawItem(`MSG#${record.id}`))?.attention).toBeUndefined();
    });
  });

  describe('the reconciler’s list of unknown messages with SMSC ids', () => {
    async function unknownWithId(): Promise<string> {
      const record = await claimed();
      await repository.markUnknown(record.id, 'answer lost', [smscId()], { kind: 'sms', account: 'main' });
      return record.id;
    }

    it('when messages became unknown at different times, then those old enough come oldest first, up to the limit', async () => {
      // Prepare
      const oldest = await unknownWithId();
      clock.advance(1_000);
      const older = await unknownWithId();
      clock.advance(1_000);
      const third = await unknownWithId();
      clock.advance(60_000);
      await unknownWithId();
      const withoutIds = await claimed();
      await repository.markUnknown(withoutIds.id, 'no answer');
      // Act
      const cutoff = new Date(clock.now().getTime() - 30_000);
      const firstTwo = await repository.unknownToQuery('main', cutoff, 2);
      const all = await repository.unknownToQuery('main', cutoff, 10);
      // Assess
      expect(firstTwo).toEqual([oldest, older]);
      expect(all).toEqual([oldest, older, third]);
    });

    it('when a listed message is resolved by its receipt, then it leaves the list', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      await repository.markUnknown(record.id, 'answer lost', [id], { kind: 'sms', account: 'main' });
      // Act
      await repository.applyReceipt(receipt(id));
      // Assess
      expect(await repository.unknownToQuery('main', new Date('2100-01-01'), 10)).toEqual([]);
      expect((await rawItem(`MSG#${record.id}`))?.attentionAt).toBeUndefined();
    });

    it('when the reconciler puts a message off or gives up on it, then it is listed later or never', async () => {
      // Prepare
      const later = await unknownWithId();
      const never = await unknownWithId();
      const now = clock.now();
      // Act
      await repository.nextQueryAt(later, 'main', new Date(now.getTime() + 3_600_000));
      await repository.nextQueryAt(never, 'main', undefined);
      // Assess
      expect(await repository.unknownToQuery('main', now, 10)).toEqual([]);
      expect(await repository.unknownToQuery('main', new Date(now.getTime() + 3_600_000), 10)).toEqual([
        later,
      ]);
      expect(await repository.get(never)).toMatchObject({ status: 'unknown' });
    });

    it('when two accounts have unknown messages, then each account’s list holds only its own', async () => {
      // Prepare
      const main = await unknownWithId();
      const uk = await claimed();
      await repository.markUnknown(uk.id, 'answer lost', [smscId()], { kind: 'sms', account: 'uk' });
      // Act
      const cutoff = new Date('2100-01-01');
      const [mainList, ukList] = await Promise.all([
        repository.unknownToQuery('main', cutoff, 10),
        repository.unknownToQuery('uk', cutoff, 10),
      ]);
      // Assess
      expect(mainList).toEqual([main]);
      expect(ukList).toEqual([uk.id]);
      expect(await repository.unknownToQuery(undefined, cutoff, 10)).toEqual([]);
    });

    it('when a message listed without an account is put off for its account, then it moves to that account’s list, and another account cannot take it from there', async () => {
      // Prepare: listed as earlier versions listed every message, in the partition without an account.
      const record = await claimed();
      await repository.markUnknown(record.id, 'answer lost', [smscId()], { kind: 'sms' });
      const cutoff = new Date('2100-01-01');
      expect(await repository.unknownToQuery(undefined, cutoff, 10)).toEqual([record.id]);
      // Act
      await repository.nextQueryAt(record.id, 'uk', clock.now());
      await repository.nextQueryAt(record.id, 'main', clock.now());
      // Assess
      expect(await repository.unknownToQuery(undefined, cutoff, 10)).toEqual([]);
      expect(await repository.unknownToQuery('uk', cutoff, 10)).toEqual([record.id]);
      expect(await repository.unknownToQuery('main', cutoff, 10)).toEqual([]);
    });
  });
});
