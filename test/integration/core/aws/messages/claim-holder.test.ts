import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, steppingClock } from '../factories.ts';

// The claim's holder names one receive of one queue message (`<SQS MessageId>#<receive count>`). A
// claim write whose answer was lost (a timeout under load) is retried by the same receive: finding
// its own claim, it goes on sending. A later receive of the same queue message finds a claim that is
// not its own: that worker stopped, so the message becomes `unknown` and is not sent again. A
// receive that gave up on its unanswered claim releases it by name: only its own claim moves back.

describe('MessageRepository: who holds a claim (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let repository: MessageRepository;

  beforeEach(async () => {
    const table = (await aws.freshTables()).messages;
    repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
  });

  it('when the same receive claims again (its first write committed unseen), then the claim is its own', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id, 'sqs-1#1');
    // Act
    const again = await repository.claimForSubmit(record.id, 'sqs-1#1');
    // Assess
    expect(again).toBe('claimed');
    expect((await repository.get(record.id))?.status).toBe('submitting');
  });

  it('when a later receive of the same queue message finds the claim, then it is not its own and the message becomes unknown', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id, 'sqs-1#1');
    // Act
    const later = await repository.claimForSubmit(record.id, 'sqs-1#2');
    const marked = await repository.markUnknownIfClaimedBy(record.id, 'sqs-1', 'redelivered');
    // Assess
    expect(later).toBe('already-claimed');
    expect(marked).toBe('applied');
    expect((await repository.get(record.id))?.status).toBe('unknown');
  });

  it('when another queue message holds the claim, then a copy neither claims nor marks it', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id, 'sqs-1#1');
    // Act
    const copy = await repository.claimForSubmit(record.id, 'sqs-2#1');
    const marked = await repository.markUnknownIfClaimedBy(record.id, 'sqs-2', 'redelivered');
    // Assess
    expect(copy).toBe('already-claimed');
    expect(marked).not.toBe('applied');
    expect((await repository.get(record.id))?.status).toBe('submitting');
  });

  it('when a receive releases by name a claim it holds and one another receive holds, then only its own goes back to accepted', async () => {
    // Prepare
    const [own, other] = [messageRecord(), messageRecord()];
    await Promise.all([repository.createAccepted(own), repository.createAccepted(other)]);
    await repository.claimForSubmit(own.id, 'sqs-1#1');
    await repository.claimForSubmit(other.id, 'sqs-1#2');
    // Act
    const released = await repository.releaseClaim(own.id, 'sqs-1#1');
    const notOurs = await repository.releaseClaim(other.id, 'sqs-1#1');
    // Assess
    expect([released, notOurs]).toEqual(['applied', 'stale']);
    expect((await repository.get(own.id))?.status).toBe('accepted');
    expect((await repository.get(other.id))?.status).toBe('submitting');
    expect(await repository.claimForSubmit(own.id, 'sqs-1#2')).toBe('claimed');
  });

  it('when a message is claimed, then claimOf names the holder and the time of the claim', async () => {
    // Prepare
    const [claimed, unclaimed] = [messageRecord(), messageRecord()];
    await Promise.all([repository.createAccepted(claimed), repository.createAccepted(unclaimed)]);
    // Act
    await repository.claimForSubmit(claimed.id, 'sqs-1#r1#task-a');
    const view = await repository.claimOf(claimed.id);
    // Assess
    const record = await repository.get(claimed.id);
    expect(view).toEqual({
      status: 'submitting',
      claimedBy: 'sqs-1#r1#task-a',
      claimedAt: record?.updatedAt,
    });
    expect(await repository.claimOf(unclaimed.id)).toEqual({ status: 'accepted' });
    expect(await repository.claimOf('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeUndefined();
  });
});
