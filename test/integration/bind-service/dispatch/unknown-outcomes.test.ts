import { describe, expect, it } from 'vitest';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { commitSubmitted } from '#core/aws/messages/submitted-writes.ts';
import { useLocalAws } from '#test/helpers/local-aws.ts';
import { receipt } from '#test/integration/core/aws/factories.ts';
import { ACCOUNT, mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from './fixtures.ts';

// Messages whose submit answer did not come in time: what resolves them, and what must not.

/** Two GSM 7-bit parts (153 + 47 characters). */
const twoParts = (tag: string) => `${tag} `.padEnd(200, 'x');

describe('bind-service: unknown outcomes (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a SINGLE message lost its second part’s answer for good, then its first part’s receipt does not resolve it', async () => {
    // Prepare: part 1 answered at once, part 2 answered after the timeout, on a session that is gone by then.
    const rig = await startRig(aws, defer, {
      env: { SMPP_SYSTEM_TYPE: 'SINGLE', SMPP_RESPONSE_TIMEOUT_SECONDS: '0.5' },
    });
    rig.simulator.fault({ type: 'slow', delayMs: 0, count: 1 });
    rig.simulator.fault({ type: 'slow', delayMs: 2_500, count: 1 });
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
});
