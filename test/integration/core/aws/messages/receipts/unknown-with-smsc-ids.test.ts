import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { expired, receipt, smscId, undelivered } from '../../factories.ts';
import { useCountingRepository } from '../counting-client.ts';
import { lookupSteps } from '../lookup-steps.ts';

// markUnknown with the SMSC ids of the parts the SMSC accepted writes their lookups, so a receipt
// that comes later still finds its message, and one parked before is applied then.

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
});
