import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateMessageIdError, MessageNotFoundError } from '#core/aws/errors.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, smscId, steppingClock } from '../factories.ts';

describe('MessageRepository: creating, claiming and submitting (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;
  let repository: MessageRepository;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
  });

  it('when a message is created, then get returns it as written and its item carries a TTL', async () => {
    // Prepare
    const record = messageRecord({ batchId: undefined, comment: 'internal note' });
    // Act
    const result = await repository.createAccepted(record);
    // Assess
    expect(result).toEqual({ created: true });
    expect(await repository.get(record.id)).toEqual(record);
    const { Item } = await aws.document.send(
      new GetCommand({ TableName: table, Key: { pk: `MSG#${record.id}` } }),
    );
    expect(Item?.expiresAt).toBe(Date.parse('2030-01-01T00:00:00.000Z') / 1000 + 90 * 86_400);
  });

  it('when the same id is created twice without idempotency, then the second throws DuplicateMessageIdError', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    // Act
    const second = repository.createAccepted({ ...record, text: 'other' });
    // Assess
    await expect(second).rejects.toBeInstanceOf(DuplicateMessageIdError);
    expect((await repository.get(record.id))?.text).toBe('Hello');
  });

  it('when a put is sent again after its answer was lost (an SDK retry), then it counts as created, not as a duplicate', async () => {
    // Prepare: the first put landed; the caller never saw its answer
    const record = messageRecord();
    await repository.createAccepted(record);
    // Act
    const retried = await repository.createAccepted(record);
    // Assess
    expect(retried).toEqual({ created: true });
    expect(await repository.get(record.id)).toEqual(record);
  });

  it('when the same idempotency key comes twice, then the first response is returned and no second message exists', async () => {
    // Prepare
    const first = messageRecord();
    const second = messageRecord();
    await repository.createAccepted(first, {
      key: 'caller:key-1',
      requestHash: 'h1',
      response: { id: first.id },
    });
    // Act
    const result = await repository.createAccepted(second, {
      key: 'caller:key-1',
      requestHash: 'h2',
      response: { id: second.id },
    });
    // Assess
    expect(result).toEqual({ created: false, existing: { requestHash: 'h1', response: { id: first.id } } });
    expect(await repository.get(second.id)).toBeUndefined();
  });

  it('when an idempotency record has expired, then the key can be used again', async () => {
    // Prepare
    const clock = steppingClock();
    const repo = new MessageRepository(aws.document, table, { clock: clock.now, idempotencyHours: 1 });
    await repo.createAccepted(messageRecord(), { key: 'k', requestHash: 'h1', response: 1 });
    clock.advance(2 * 3_600_000);
    const later = messageRecord();
    // Act
    const result = await repo.createAccepted(later, { key: 'k', requestHash: 'h2', response: 2 });
    // Assess
    expect(result).toEqual({ created: true });
    expect(await repo.get(later.id)).toBeDefined();
  });

  it('when a message is claimed twice, then the second claim is already-claimed', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    // Act
    const first = await repository.claimForSubmit(record.id);
    const second = await repository.claimForSubmit(record.id);
    // Assess
    expect([first, second]).toEqual(['claimed', 'already-claimed']);
    const stored = await repository.get(record.id);
    expect(stored?.status).toBe('submitting');
    expect(stored?.history.map((h) => h.status)).toEqual(['accepted', 'submitting']);
  });

  it('when ten claims race for one message, then exactly one wins', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => repository.claimForSubmit(record.id)));
    // Assess
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'already-claimed')).toHaveLength(9);
    expect((await repository.get(record.id))?.history).toHaveLength(2);
  });

  it('when a missing message is claimed, then the answer is not-found', async () => {
    // Act
    const result = await repository.claimForSubmit('no-such-id');
    // Assess
    expect(result).toBe('not-found');
  });

  it('when a claim is released, then the message is accepted again and can be claimed anew', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    // Act
    const released = await repository.releaseClaim(record.id);
    const reclaimed = await repository.claimForSubmit(record.id);
    // Assess
    expect([released, reclaimed]).toEqual(['applied', 'claimed']);
    expect((await repository.get(record.id))?.history.map((h) => h.status)).toEqual([
      'accepted',
      'submitting',
      'accepted',
      'submitting',
    ]);
  });

  it('when another queue message holds the claim, then only the holder may mark it unknown', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id, 'sqs-first-copy');
    // Act
    const byCopy = await repository.markUnknownIfClaimedBy(record.id, 'sqs-second-copy', 'copy');
    const afterCopy = await repository.get(record.id);
    const byHolder = await repository.markUnknownIfClaimedBy(record.id, 'sqs-first-copy', 'holder back');
    // Assess
    expect(byCopy).toBe('stale');
    expect(afterCopy?.status).toBe('submitting');
    expect(afterCopy).not.toHaveProperty('claimedBy');
    expect(byHolder).toBe('applied');
    expect(await repository.get(record.id)).toMatchObject({
      status: 'unknown',
      error: { code: 'submit_unconfirmed', description: 'holder back' },
    });
  });

  it('when a message that is not submitting is released, then the answer is stale and nothing changes', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    // Act
    const result = await repository.releaseClaim(record.id);
    // Assess
    expect(result).toBe('stale');
    expect((await repository.get(record.id))?.history).toHaveLength(1);
  });

  it('when marked submitted, then status, smscIds and a lookup item per normalised SMSC id are written', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    // Act
    const result = await repository.markSubmitted(record.id, ['000854019', ' 854019']);
    // Assess
    expect(result).toEqual({ result: 'applied', reconciledReceipts: 0 });
    const stored = await repository.get(record.id);
    expect(stored).toMatchObject({ status: 'submitted', smscIds: ['854019'] });
    const { Item } = await aws.document.send(
      new GetCommand({ TableName: table, Key: { pk: 'SMSC#854019' } }),
    );
    expect(Item).toMatchObject({ messageId: record.id });
  });

  it('when marked submitted twice, then the second is stale and history has one submitted entry', async () => {
    // Prepare
    const record = messageRecord();
    const id = smscId();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    await repository.markSubmitted(record.id, [id]);
    // Act
    const again = await repository.markSubmitted(record.id, [id]);
    // Assess
    expect(again.result).toBe('stale');
    expect((await repository.get(record.id))?.history.map((h) => h.status)).toEqual([
      'accepted',
      'submitting',
      'submitted',
    ]);
  });

  it('when a submit timed out and its answer comes late, then unknown resolves to submitted and the note is cleared', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    await repository.markUnknown(record.id, 'no SUBMIT_SM_RESP within 30 s');
    const unknown = await repository.get(record.id);
    // Act
    const result = await repository.markSubmitted(record.id, [smscId()]);
    // Assess
    expect(unknown?.status).toBe('unknown');
    expect(unknown?.error).toEqual({
      code: 'submit_unconfirmed',
      name: 'Submit outcome unknown',
      description: 'no SUBMIT_SM_RESP within 30 s',
    });
    expect(result.result).toBe('applied');
    const stored = await repository.get(record.id);
    expect(stored?.status).toBe('submitted');
    expect(stored?.error).toBeUndefined();
  });

  it('when a missing message is marked submitted, then MessageNotFoundError is thrown', async () => {
    // Act
    const result = repository.markSubmitted('no-such-id', [smscId()]);
    // Assess
    await expect(result).rejects.toBeInstanceOf(MessageNotFoundError);
  });

  it('when the SMSC refuses the submit, then the message is failed with the error, and a late failure is stale', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    const error = { code: 'ESME_RINVDSTADR', name: 'Invalid destination address', description: 'refused' };
    // Act
    const first = await repository.markFailed(record.id, error);
    const second = await repository.markRejected(record.id, error);
    // Assess
    expect([first, second]).toEqual(['applied', 'stale']);
    expect(await repository.get(record.id)).toMatchObject({ status: 'failed', error });
  });

  it('when a message whose publish failed is marked not queued, then an accepted one is failed and a claimed one is left alone', async () => {
    // Prepare
    const note = { code: 'enqueue_failed', name: 'Not queued', description: 'send it again' };
    const waiting = messageRecord();
    const claimed = messageRecord();
    const requeued = messageRecord();
    for (const record of [waiting, claimed, requeued]) await repository.createAccepted(record);
    await repository.claimForSubmit(claimed.id);
    const noted = await repository.markQueued(requeued.id);
    // Act
    const results = [
      await repository.markNotQueued(waiting.id, note),
      await repository.markNotQueued(claimed.id, note),
      await repository.markNotQueued(requeued.id, note),
    ];
    const missing = await repository.markNotQueued('no-such-id', note).catch((error: unknown) => error);
    // Assess: a copy noted queued by a retry stays accepted, like a claimed one stays submitting.
    expect(noted).toBe('applied');
    expect(results).toEqual(['applied', 'stale', 'stale']);
    expect(await repository.get(requeued.id)).toMatchObject({ status: 'accepted' });
    expect(await repository.markQueued(waiting.id)).toBe('stale');
    expect(await repository.get(waiting.id)).toMatchObject({ status: 'failed', error: note });
    const untouched = await repository.get(claimed.id);
    expect(untouched?.status).toBe('submitting');
    expect(untouched?.error).toBeUndefined();
    expect(missing).toBeInstanceOf(MessageNotFoundError);
  });

  it('when an accepted message is rejected, then it is final and can no longer be claimed', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    // Act
    await repository.markRejected(record.id, {
      code: 'invalid_queue_message',
      name: 'Invalid',
      description: 'bad',
    });
    const claim = await repository.claimForSubmit(record.id);
    // Assess
    expect(claim).toBe('already-claimed');
    expect((await repository.get(record.id))?.status).toBe('rejected');
  });
});
