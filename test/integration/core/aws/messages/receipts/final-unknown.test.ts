import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock } from '../../factories.ts';

// The SMSC's own final "cannot tell" (stat:UNKNOWN, err 245) ends a message `unknown` after every part
// was answered. A submit's answer recorded again afterwards (markSubmitted retried after its commit
// landed, a late answer read twice) must find it ended: before, it moved the message back to
// `submitted` for good (that receipt never comes again), with a second `submitted` event and, in
// SINGLE mode, its parts' receipts reset.

describe('MessageRepository: a final stat:UNKNOWN is not undone by a repeated submit answer (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let repository: MessageRepository;

  beforeEach(async () => {
    const table = (await aws.freshTables()).messages;
    repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
  });

  async function claimed(overrides: Partial<MessageRecord> = {}): Promise<MessageRecord> {
    const record = messageRecord(overrides);
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    return record;
  }

  const statuses = async (id: string) => (await repository.get(id))?.history.map((h) => h.status);
  const cannotTell = (id: string) => receipt(id, { stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245 });

  it('when markSubmitted comes again after the SMSC reported stat:UNKNOWN, then it is stale and the message stays unknown', async () => {
    // Prepare
    const id = smscId();
    const record = await claimed();
    await repository.markSubmitted(record.id, [id]);
    await repository.applyReceipt(cannotTell(id));
    // Act
    const again = await repository.markSubmitted(record.id, [id]);
    // Assess
    expect(again.result).toBe('stale');
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'unknown']);
  });

  it('when a SINGLE message of two parts ended unknown by its parts’ receipts and markSubmitted comes again, then it stays unknown', async () => {
    // Prepare: part A delivered, part B stat:UNKNOWN: the message ends unknown.
    const a = smscId();
    const b = smscId();
    const record = await claimed({ parts: 2 });
    await repository.markSubmitted(record.id, [a, b]);
    await repository.applyReceipt(receipt(a));
    await repository.applyReceipt(cannotTell(b));
    // Act
    await repository.markSubmitted(record.id, [a, b]);
    // Assess
    expect(await repository.get(record.id)).toMatchObject({ status: 'unknown' });
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'submitted', 'unknown']);
  });

  it('when a late answer already recorded is recorded again after stat:UNKNOWN, then it is stale and the message stays unknown', async () => {
    // Prepare: the answer missed its timeout, came late (submitted), then the SMSC could not tell.
    const id = smscId();
    const record = await claimed();
    await repository.markUnknown(record.id, 'no answer');
    const late = { kind: 'accepted', smscId: id, lastPart: true } as const;
    await repository.recordLateAnswer(record.id, late);
    await repository.applyReceipt(cannotTell(id));
    // Act
    const again = await repository.recordLateAnswer(record.id, late);
    // Assess
    expect(again).toBe('stale');
    expect(await statuses(record.id)).toEqual(['accepted', 'submitting', 'unknown', 'submitted', 'unknown']);
  });

  it('when an unconfirmed submit’s answer is recorded after all, then it still moves the message (submitted, or failed)', async () => {
    // Prepare
    const [accepted, refused] = [await claimed(), await claimed()];
    for (const record of [accepted, refused]) await repository.markUnknown(record.id, 'no answer');
    const error = { code: 'ESME_RSUBMITFAIL', name: 'submit_sm failed', description: 'refused' };
    // Act: one a transaction, the other a PartiQL statement of a grouped batch.
    const submitted = await repository.markSubmitted(accepted.id, [smscId()]);
    const failed = await repository.markFailed(refused.id, error);
    // Assess
    expect([submitted.result, failed]).toEqual(['applied', 'applied']);
    expect((await repository.get(accepted.id))?.status).toBe('submitted');
    expect(await repository.get(refused.id)).toMatchObject({ status: 'failed', error });
  });

  it('when the SMSC’s final stat:UNKNOWN came and a refusal is recorded after, then it is stale', async () => {
    // Prepare
    const id = smscId();
    const record = await claimed();
    await repository.markSubmitted(record.id, [id]);
    await repository.applyReceipt(cannotTell(id));
    // Act
    const failed = await repository.markFailed(record.id, { code: 'X', name: 'x', description: 'late' });
    // Assess
    expect(failed).toBe('stale');
    expect((await repository.get(record.id))?.status).toBe('unknown');
  });
});
