import { describe, expect, it } from 'vitest';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { commitSubmitted } from '#core/aws/messages/submitted-writes.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { receipt } from '#test/integration/core/aws/factories.ts';
import { ACCOUNT, mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from './fixtures.ts';

// Messages whose submit answer did not come in time: what resolves them, and what must not.

/** Two GSM 7-bit parts (153 + 47 characters). */
const twoParts = (tag: string) => `${tag} `.padEnd(200, 'x');

describe('bind-service: unknown outcomes (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  /** A SINGLE login with a 0.5 s response timeout: the first SUBMIT_SM answered at once, the second late. */
  async function startSingleRig({ secondAnswerMs }: { secondAnswerMs: number }) {
    const rig = await startRig(aws, defer, {
      env: { SMPP_SYSTEM_TYPE: 'SINGLE', SMPP_RESPONSE_TIMEOUT_SECONDS: '0.5' },
    });
    rig.simulator.fault({ type: 'slow', delayMs: 0, count: 1 });
    rig.simulator.fault({ type: 'slow', delayMs: secondAnswerMs, count: 1 });
    return rig;
  }

  it('when a SINGLE message lost its second part’s answer for good, then its first part’s receipt does not resolve it', async () => {
    // Prepare: part 1 answered at once, part 2 answered after the timeout, on a session that is gone by then.
    const rig = await startSingleRig({ secondAnswerMs: 2_500 });
    const id = await sendLikeApi(rig, { to: mobile(1), text: twoParts('single') });
    const unknown = await waitForRecord(rig, id, statusIs('unknown'));
    rig.simulator.kick(ACCOUNT.systemId);
    // Act: the SMSC has both parts and reports each one delivered, to the next session.
    await rig.simulator.waitFor(() => rig.simulator.stats.receiptsAcked >= 2, 10_000);
    // Assess
    expect(unknown.smscIds).toHaveLength(1);
    expect(rig.simulator.submissions).toHaveLength(2);
    const record = await rig.messages.get(id);
    expect(record).toMatchObject({ status: 'unknown', smscIds: unknown.smscIds });
    expect(record?.history.map((h) => h.status)).toEqual(['accepted', 'submitting', 'unknown']);
  });

  it('when a task died between the submitted write and applying an early receipt, then the SQS redelivery applies it', async () => {
    // Prepare: what the task did before it died: claim, the receipt parked, the transaction alone.
    const rig = await startRig(aws, defer);
    const table: MessageTable = {
      client: aws.document,
      tableName: rig.tables.messages,
      now: () => new Date(),
    };
    const smscId = '7700001';
    // Act: the message comes back from SQS (the task never deleted it).
    const id = await sendLikeApi(
      rig,
      { to: mobile(2), text: 'Stranded receipt' },
      {
        beforePublish: async (claimedId) => {
          await rig.messages.claimForSubmit(claimedId);
          await rig.messages.applyReceipt(receipt(smscId, { cost: '1.25' }));
          await commitSubmitted(table, {
            messageId: claimedId,
            smscIds: [smscId],
            channel: 'sms',
            expiresAt: 1,
          });
        },
      },
    );
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ status: 'delivered', cost: '1.25', smscIds: [smscId] });
    expect(rig.simulator.submissions).toHaveLength(0);
  });

  describe('a SUBMIT_SM_RESP after the response timeout', () => {
    it('when it comes, then its SMSC id is recorded, never resent, and the receipt delivers the message', async () => {
      // Prepare
      const rig = await startRig(aws, defer, { env: { SMPP_RESPONSE_TIMEOUT_SECONDS: '0.5' } });
      rig.simulator.fault({ type: 'slow', delayMs: 1_500, count: 1 });
      // Act
      const id = await sendLikeApi(rig, { to: mobile(3), text: 'Answered late' });
      await waitForRecord(rig, id, statusIs('unknown'));
      const record = await waitForRecord(rig, id, statusIs('delivered'));
      // Assess
      expect(record.smscIds).toEqual([rig.simulator.submissions[0]?.messageId]);
      expect(record.history.map((h) => h.status)).toEqual([
        'accepted',
        'submitting',
        'unknown',
        'submitted',
        'delivered',
      ]);
      expect(record.error).toBeUndefined();
      expect(rig.simulator.submissions).toHaveLength(1);
    });

    it('when a SINGLE message’s last part is answered late, then both part receipts deliver it', async () => {
      // Prepare
      const rig = await startSingleRig({ secondAnswerMs: 1_500 });
      // Act
      const id = await sendLikeApi(rig, { to: mobile(4), text: twoParts('late part') });
      await waitForRecord(rig, id, statusIs('unknown'));
      const record = await waitForRecord(rig, id, statusIs('delivered'));
      // Assess
      expect(record.smscIds).toEqual(rig.simulator.submissions.map((s) => s.messageId));
      expect(record.smscIds).toHaveLength(2);
      expect(record.history.map((h) => h.status)).toEqual([
        'accepted',
        'submitting',
        'unknown',
        'submitted',
        'delivered',
      ]);
    });

    it('when the receipt came before the late answer and was parked, then the late answer applies it', async () => {
      // Prepare: the simulator's own receipt would come a minute later; ids start at 100000.
      const rig = await startRig(aws, defer, {
        env: { SMPP_RESPONSE_TIMEOUT_SECONDS: '0.5' },
        simulator: { receiptDelayMs: 60_000 },
      });
      rig.simulator.fault({ type: 'slow', delayMs: 2_000, count: 1 });
      const id = await sendLikeApi(rig, { to: mobile(5), text: 'Receipt first' });
      await waitForRecord(rig, id, statusIs('unknown'));
      // Act
      const early = await rig.messages.applyReceipt(receipt('100000', { cost: '0.50' }));
      const record = await waitForRecord(rig, id, statusIs('delivered'));
      // Assess
      expect(early).toBe('orphan-stored');
      expect(record).toMatchObject({ status: 'delivered', cost: '0.50', smscIds: ['100000'] });
      expect(rig.simulator.submissions[0]?.messageId).toBe('100000');
    });
  });

  it('when SINGLE and only the SUBMIT_SM carrying the rest of the comment is left unsent, then the text’s delivery makes the message delivered', async () => {
    // Prepare: a 1-part text whose comment takes a second SUBMIT_SM; the parts window passes after
    // the first (its answer 1.5 s late, the window 1 s).
    const rig = await startRig(aws, defer, {
      env: { SMPP_SYSTEM_TYPE: 'SINGLE', SMPP_PARTS_WINDOW_SECONDS: '1' },
      simulator: { receiptDelayMs: 600_000, multipartWindowMs: 600_000 },
    });
    rig.simulator.fault({ type: 'slow', delayMs: 1_500, count: 1 });
    const id = await sendLikeApi(rig, { to: mobile(14), text: 'Short text', comment: 'c'.padEnd(200, 'c') });
    const unknown = await waitForRecord(rig, id, statusIs('unknown'));
    // Act: the receipt of the one SUBMIT_SM sent, which carried the whole text.
    await rig.messages.applyReceipt(receipt(unknown.smscIds[0] ?? '', { cost: '1.5' }));
    // Assess: before, `undelivered` "1 of its 1 parts were never sent" (SUBMIT_SMs counted against
    // billed parts); the subscriber never gets the comment.
    expect(rig.simulator.submissions).toHaveLength(1);
    expect(await rig.messages.get(id)).toMatchObject({ status: 'delivered', parts: 1 });
  }, 30_000);
});
