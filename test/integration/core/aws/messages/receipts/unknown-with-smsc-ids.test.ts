import { describe, expect, it } from 'vitest';
import { type QueryAnswer, receiptFromQuery } from '#core/domain/receipts/query-answer.ts';
import { type ProviderTlvs, parseDeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { messageView } from '#lambdas/api/use-cases/read-message.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { expired, receipt, smscId, undelivered } from '../../factories.ts';
import { useCountingRepository } from '../counting-client.ts';
import { lookupSteps } from '../lookup-steps.ts';

// markUnknown with the SMSC ids of the parts the SMSC accepted writes their lookups, so a receipt
// that comes later still finds its message, and one parked before is applied then. The reconciler's
// QUERY_SM answer may resolve such a message first; the provider's own receipt, coming after it, still
// brings what only a receipt carries (cost, mccmnc, report, the HLR answer).

const DELIVERED: QueryAnswer = { messageState: 2, errorCode: 0 };

/** The provider's DELIVER_SM for `id`, read by the real parser: `stat` in its text, TLVs 0x2000-0x2003. */
function providerReceipt(id: string, stat: 'DELIVRD' | 'UNDELIV', tlvs: ProviderTlvs, err = '000') {
  return parseDeliveryReceipt({
    text: `id:${id} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:3001010000 done date:3001010001 stat:${stat} err:${err}`,
    receiptedMessageId: id,
    tlvs,
  });
}

const HLR_ANSWER =
  'stat:DELIVRD err:000 imsi:250023012345678 msc:79232510066 mcc:250 mnc:02 ' +
  'cn:Russian+Federation net:MegaFON+open+Joint+Stock+Company rcn: rnet:';

describe('MessageRepository: markUnknown with the SMSC ids of what was accepted (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  const rig = useCountingRepository(aws);

  const { claimed, lookupItem, statuses } = lookupSteps(aws, rig);

  describe('markUnknown with the SMSC ids of what was accepted', () => {
    it('when a receipt comes after it, then the lookup finds the message and it ends delivered', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      // Act
      const marked = await rig.repository.markUnknown(
        record.id,
        'submitted state not written in time',
        [id],
        {
          kind: 'sms',
        },
      );
      const applied = await rig.repository.applyReceipt(receipt(id, { cost: '0.80' }));
      // Assess
      expect([marked, applied]).toEqual(['applied', 'applied']);
      expect(await rig.repository.get(record.id)).toMatchObject({
        status: 'delivered',
        cost: '0.80',
        smscIds: [id],
      });
      expect((await rig.repository.get(record.id))?.error).toBeUndefined();
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
    });

    it('when its receipt says EXPIRED with err 0, then the message ends expired without the "submit outcome unknown" note', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      await rig.repository.markUnknown(record.id, 'no answer to part 2 of 2', [id], { kind: 'sms' });
      // Act: the receipt shows the SMSC had the message; the submit was not what went wrong.
      await rig.repository.applyReceipt(expired(id));
      // Assess
      const after = await rig.repository.get(record.id);
      expect({ status: after?.status, error: after?.error }).toEqual({ status: 'expired', error: undefined });
    });

    it('when the receipt came first and was parked, then markUnknown applies it', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      await rig.repository.applyReceipt(undelivered(id, 6));
      // Act
      await rig.repository.markUnknown(record.id, 'submitted state not written in time', [id], {
        kind: 'sms',
      });
      // Assess
      expect(await rig.repository.get(record.id)).toMatchObject({
        status: 'undelivered',
        error: { code: 6 },
      });
      expect((await lookupItem(id))?.pendingReceipts).toBeUndefined();
    });

    it('when a SINGLE message is marked unknown with both part ids, then the two part receipts deliver it', async () => {
      // Prepare
      const record = await claimed({ parts: 2 });
      const ids = [smscId(), smscId()];
      await rig.repository.markUnknown(record.id, 'submitted state not written in time', ids, {
        kind: 'sms',
      });
      // Act
      const first = await rig.repository.applyReceipt(receipt(ids[0] ?? '', { cost: '1' }));
      const afterFirst = (await rig.repository.get(record.id))?.status;
      const second = await rig.repository.applyReceipt(receipt(ids[1] ?? '', { cost: '2' }));
      // Assess
      expect([first, second, afterFirst]).toEqual(['applied', 'applied', 'unknown']);
      expect(await rig.repository.get(record.id)).toMatchObject({ status: 'delivered', cost: '3' });
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
    });

    it('when the message was recorded submitted meanwhile, then it is stale and nothing moves back', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      await rig.repository.markSubmitted(record.id, [id], { kind: 'sms' });
      // Act
      const marked = await rig.repository.markUnknown(record.id, 'late give-up', [id], { kind: 'sms' });
      // Assess
      expect(marked).toBe('stale');
      expect((await rig.repository.get(record.id))?.status).toBe('submitted');
    });

    it('when no SMSC id is given, then no lookup exists and a receipt can only be parked', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      // Act
      await rig.repository.markUnknown(record.id, 'no answer');
      const result = await rig.repository.applyReceipt(receipt(id));
      // Assess
      expect(result).toBe('orphan-stored');
      expect((await rig.repository.get(record.id))?.status).toBe('unknown');
    });
  });

  describe("the provider's receipt after a QUERY_SM answer made the message final", () => {
    it('when it agrees (DELIVRD after delivered), then its cost, mccmnc and report are filled in, the status and history unchanged; a later receipt replaces none of them', async () => {
      // Prepare: unknown with its SMSC id; the reconciler's answer says DELIVERED, with its final date.
      const record = await claimed();
      const id = smscId();
      await rig.repository.markUnknown(record.id, 'no answer to the submit in time', [id], { kind: 'sms' });
      const finalDate = new Date('2030-01-01T00:02:00Z');
      await rig.repository.applyReceipt(receiptFromQuery(id, { ...DELIVERED, finalDate }));
      const answered = await rig.repository.get(record.id);
      // Act
      const applied = await rig.repository.applyReceipt(
        providerReceipt(id, 'DELIVRD', { cost: '1.2500', flags: 0, parts: 1, mccmnc: '25001' }),
      );
      const repeated = await rig.repository.applyReceipt(
        providerReceipt(id, 'DELIVRD', { cost: '9.0000', flags: 0, parts: 1, mccmnc: '25099' }),
      );
      // Assess: what GET /v1/messages/{id} shows.
      expect({ cost: answered?.cost, report: answered?.report }).toEqual({
        cost: undefined,
        report: { doneDate: '2030-01-01T00:02:00.000Z' },
      });
      expect([applied, repeated]).toEqual(['applied', 'stale']);
      const view = messageView((await rig.repository.get(record.id))!);
      expect({ status: view.status, cost: view.cost, mccmnc: view.mccmnc, error: view.error }).toEqual({
        status: 'delivered',
        cost: '1.2500',
        mccmnc: '25001',
        error: null,
      });
      // The answer's final date stays; the receipt adds what the answer did not say.
      expect(view.report).toEqual({
        doneDate: '2030-01-01T00:02:00.000Z',
        messageType: 'sms',
        paidFromSecondBalance: false,
        template: false,
        parts: 1,
        submittedParts: 1,
        deliveredParts: 1,
        submitDate: '2030-01-01T00:00:00.000Z',
      });
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
    });

    it('when it is the HLR answer of an HLR request, then the HLR fields and cost are filled in', async () => {
      // Prepare
      const record = await claimed({ kind: 'hlr', text: '' });
      const id = smscId();
      await rig.repository.markUnknown(record.id, 'no answer to the submit in time', [id], { kind: 'hlr' });
      await rig.repository.applyReceipt(receiptFromQuery(id, DELIVERED));
      // Act
      await rig.repository.applyReceipt(
        parseDeliveryReceipt({
          text: `id:${id} ${HLR_ANSWER}`,
          receiptedMessageId: id,
          messageState: 2,
          tlvs: { cost: '0.0500', flags: 4, parts: 1, mccmnc: '25002' },
        }),
      );
      // Assess
      const view = messageView((await rig.repository.get(record.id))!);
      expect(view.status).toBe('delivered');
      expect(view.hlr).toEqual({
        imsi: '250023012345678',
        msc: '79232510066',
        mcc: '250',
        mnc: '02',
        countryName: 'Russian Federation',
        networkName: 'MegaFON open Joint Stock Company',
      });
      expect({ cost: view.cost, mccmnc: view.mccmnc }).toEqual({ cost: '0.0500', mccmnc: '25002' });
    });

    it('when the answer gave err 0 and the agreeing receipt an error code, then that error is filled in', async () => {
      // Prepare: query_sm_resp's error_code is one octet, and an SMSC may answer 0.
      const record = await claimed();
      const id = smscId();
      await rig.repository.markUnknown(record.id, 'no answer to the submit in time', [id], { kind: 'sms' });
      await rig.repository.applyReceipt(receiptFromQuery(id, { messageState: 5, errorCode: 0 }));
      // Act
      await rig.repository.applyReceipt(providerReceipt(id, 'UNDELIV', { cost: '0.8000' }, '013'));
      // Assess
      expect(await rig.repository.get(record.id)).toMatchObject({
        status: 'undelivered',
        cost: '0.8000',
        error: { code: 13 },
      });
    });

    it('when it disagrees (UNDELIV after delivered), then it changes nothing and fills nothing', async () => {
      // Prepare
      const record = await claimed();
      const id = smscId();
      await rig.repository.markUnknown(record.id, 'no answer to the submit in time', [id], { kind: 'sms' });
      await rig.repository.applyReceipt(receiptFromQuery(id, DELIVERED));
      const before = await rig.repository.get(record.id);
      // Act
      const result = await rig.repository.applyReceipt(
        providerReceipt(id, 'UNDELIV', { cost: '1.2500', flags: 0, parts: 1, mccmnc: '25001' }, '001'),
      );
      // Assess: not moved back, and nothing of another outcome's receipt is shown as this one's.
      expect(result).toBe('stale');
      expect(await rig.repository.get(record.id)).toEqual(before);
    });

    it("when a SINGLE message's parts were answered by QUERY_SM, then each part's own receipt records its cost and the last one the summed cost", async () => {
      // Prepare
      const record = await claimed({ parts: 2 });
      const ids = [smscId(), smscId()];
      await rig.repository.markUnknown(record.id, 'no answer to part 2 of 2', ids, { kind: 'sms' });
      for (const id of ids) await rig.repository.applyReceipt(receiptFromQuery(id, DELIVERED));
      const answered = await rig.repository.get(record.id);
      // Act
      const first = await rig.repository.applyReceipt(
        providerReceipt(ids[0]!, 'DELIVRD', { cost: '1.25', parts: 1 }),
      );
      const afterFirst = await rig.repository.get(record.id);
      const second = await rig.repository.applyReceipt(
        providerReceipt(ids[1]!, 'DELIVRD', { cost: '1.5', parts: 1 }),
      );
      // Assess
      expect({ status: answered?.status, cost: answered?.cost }).toEqual({
        status: 'delivered',
        cost: undefined,
      });
      expect([first, second]).toEqual(['applied', 'applied']);
      expect(afterFirst?.cost).toBeUndefined();
      const after = await rig.repository.get(record.id);
      expect(after).toMatchObject({
        status: 'delivered',
        cost: '2.75',
        report: { parts: 2, deliveredParts: 2 },
      });
      expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
    });

    it('when the receipts of both SINGLE parts come at once, then the summed cost is still written', async () => {
      for (let round = 0; round < 5; round++) {
        // Prepare
        const record = await claimed({ parts: 2 });
        const ids = [smscId(), smscId()];
        await rig.repository.markUnknown(record.id, 'no answer to part 2 of 2', ids, { kind: 'sms' });
        for (const id of ids) await rig.repository.applyReceipt(receiptFromQuery(id, DELIVERED));
        // Act: receipts that bring a cost and nothing else, so the two writes meet on no shared field.
        const costOnly = (id: string) =>
          parseDeliveryReceipt({ text: `id:${id} stat:DELIVRD err:000`, tlvs: { cost: '1' } });
        await Promise.all(ids.map((id) => rig.repository.applyReceipt(costOnly(id))));
        // Assess
        expect((await rig.repository.get(record.id))?.cost).toBe('2');
      }
    });

    it("when a SINGLE part's receipt disagrees with its part's outcome, then it fills nothing", async () => {
      // Prepare
      const record = await claimed({ parts: 2 });
      const ids = [smscId(), smscId()];
      await rig.repository.markUnknown(record.id, 'no answer to part 2 of 2', ids, { kind: 'sms' });
      for (const id of ids) await rig.repository.applyReceipt(receiptFromQuery(id, DELIVERED));
      const before = await rig.repository.get(record.id);
      // Act
      const results = await Promise.all(
        ids.map((id) => rig.repository.applyReceipt(providerReceipt(id, 'UNDELIV', { cost: '1' }, '001'))),
      );
      // Assess
      expect(results).toEqual(['stale', 'stale']);
      expect(await rig.repository.get(record.id)).toEqual(before);
    });
  });
});
