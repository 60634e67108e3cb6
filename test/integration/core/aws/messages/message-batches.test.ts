import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { freePort } from '#local/ports.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, smscId, steppingClock } from '../factories.ts';

describe('MessageRepository: batches and an unreachable table (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;
  let repository: MessageRepository;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
  });

  it('when a batch of 60 is created, then batchCounts counts them per status', async () => {
    // Prepare
    const batchId = 'b_batch-1';
    const records = Array.from({ length: 60 }, () => messageRecord({ batchId, priority: 'bulk' }));
    await repository.createAcceptedBatch(records);
    const [first, second] = records;
    await repository.claimForSubmit(first?.id ?? '');
    await repository.claimForSubmit(second?.id ?? '');
    await repository.markSubmitted(second?.id ?? '', [smscId()]);
    await repository.createAccepted(messageRecord({ batchId: 'b_other' }));
    // Act
    const counts = await repository.batchCounts(batchId);
    // Assess
    expect(counts).toEqual({
      total: 60,
      accepted: 58,
      submitting: 1,
      submitted: 1,
      unknown: 0,
      delivered: 0,
      undelivered: 0,
      expired: 0,
      rejected: 0,
      failed: 0,
    });
  });

  it('when a batch of 260 is created (11 chunks, written 4 at a time), then every record is stored once', async () => {
    // Prepare
    const batchId = 'b_batch-big';
    const records = Array.from({ length: 260 }, () => messageRecord({ batchId, priority: 'bulk' }));
    // Act
    await repository.createAcceptedBatch(records);
    // Assess
    expect(await repository.batchCounts(batchId)).toMatchObject({ total: 260, accepted: 260 });
    const last = records.at(-1);
    expect(await repository.get(last?.id ?? '')).toEqual(last);
  });

  it('when DynamoDB cannot be reached, then RepositoryUnavailableError is thrown (a transient failure)', async () => {
    // Prepare
    const closedPort = await freePort();
    const { document, dynamo } = createDynamoDbClients({
      region: aws.region,
      endpoint: `http://127.0.0.1:${closedPort}`,
      maxAttempts: 1,
    });
    const unreachable = new MessageRepository(document, table);
    // Act
    const result = unreachable.claimForSubmit('any-id');
    // Assess
    await expect(result).rejects.toBeInstanceOf(RepositoryUnavailableError);
    dynamo.destroy();
  });
});
