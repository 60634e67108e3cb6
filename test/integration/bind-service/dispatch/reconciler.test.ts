import { describe, expect, it } from 'vitest';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { commitUnknownWithIds } from '#core/aws/messages/submitted-writes.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { receipt } from '#test/integration/core/aws/factories.ts';
import { mobile, type Rig, startRig, statusIs, useCleanup, waitForRecord } from './fixtures.ts';
import { messageAtSmsc } from './lost-answers.ts';

// The reconciler: `unknown` messages with SMSC ids are resolved by QUERY_SM when no receipt comes.

const RECONCILE_OFTEN = { RECONCILE_SECONDS: '0.3', RECONCILE_MIN_AGE_SECONDS: '0.2' };

/** What the bind-service leaves when a submit's answer is lost after the SMSC gave an id. */
async function unknownWithId(rig: Rig, to: string, smscId: string): Promise<string> {
  const request = sendMessageSchema.parse({ to, text: `Lost answer to ${to}` });
  const id = newMessageId();
  const prepared = prepareMessage(request, rig.config.prepare);
  await rig.messages.createAccepted(acceptedMessageRecord({ id, request, prepared, now: new Date() }));
  await rig.messages.claimForSubmit(id);
  await rig.messages.markUnknown(id, 'the SUBMIT_SM_RESP was lost', [smscId], { kind: 'sms' });
  return id;
}

const startReconciling = (defer: ReturnType<typeof useCleanup>, aws: ReturnType<typeof useLocalAws>) =>
  startRig(aws, defer, { env: RECONCILE_OFTEN });

describe('bind-service reconciler: QUERY_SM for unknown messages (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when an unknown message’s receipt never comes, then QUERY_SM finds it delivered', async () => {
    // Prepare
    const rig = await startReconciling(defer, aws);
    const smscId = messageAtSmsc(rig, mobile(1));
    // Act
    const id = await unknownWithId(rig, mobile(1), smscId);
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ status: 'delivered', smscIds: [smscId] });
    expect(record.error).toBeUndefined();
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
    expect(rig.simulator.submissions).toEqual([]);
  });

  it('when QUERY_SM says undeliverable, then the message is undelivered with the SMSC’s error code', async () => {
    // Prepare
    const rig = await startReconciling(defer, aws);
    rig.simulator.scriptOutcome(mobile(2).slice(1), { stat: 'UNDELIV', err: 1 });
    const smscId = messageAtSmsc(rig, mobile(2));
    // Act
    const id = await unknownWithId(rig, mobile(2), smscId);
    const record = await waitForRecord(rig, id, statusIs('undelivered'));
    // Assess
    expect(record.error).toMatchObject({ code: 1 });
  });

  it('when the SMSC still has it en route, then the message stays unknown until a later question finds it final', async () => {
    // Prepare
    const rig = await startReconciling(defer, aws);
    rig.simulator.scriptOutcome(mobile(3).slice(1), { stat: 'DELIVRD', delayMs: 5_000 });
    const smscId = messageAtSmsc(rig, mobile(3));
    const id = await unknownWithId(rig, mobile(3), smscId);
    // Act
    await waitUntil(
      () =>
        rig.logs.some(
          (line) => line.msg === 'still unknown after QUERY_SM; asked again later' && line.id === id,
        ),
      8_000,
      'a QUERY_SM answer that is not final',
    );
    const early = await rig.messages.get(id);
    const record = await waitForRecord(rig, id, statusIs('delivered'), 12_000);
    // Assess
    expect(early?.status).toBe('unknown');
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
  }, 30_000);

  it('when a receipt was left parked under its id, then the reconciler applies it without asking', async () => {
    // Prepare: the unknown write and its lookup over a parked receipt, and the process gone before
    // reconciling; the SMSC id is one QUERY_SM would not know.
    const rig = await startReconciling(defer, aws);
    const table: MessageTable = {
      client: aws.document,
      tableName: rig.tables.messages,
      now: () => new Date(),
    };
    const smscId = '990000001';
    const request = sendMessageSchema.parse({ to: mobile(4), text: 'Parked' });
    const id = newMessageId();
    const prepared = prepareMessage(request, rig.config.prepare);
    await rig.messages.createAccepted(acceptedMessageRecord({ id, request, prepared, now: new Date() }));
    await rig.messages.claimForSubmit(id);
    await rig.messages.applyReceipt(receipt(smscId, { cost: '0.75' }));
    // Act
    await commitUnknownWithIds(
      table,
      { messageId: id, smscIds: [smscId], channel: 'sms', expiresAt: 1 },
      { code: 'submit_unconfirmed', name: 'Submit outcome unknown', description: 'crashed' },
      undefined,
    );
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ status: 'delivered', cost: '0.75' });
  });
});
