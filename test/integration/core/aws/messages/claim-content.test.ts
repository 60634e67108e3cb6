import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_FINGERPRINT, itemKey } from '#core/aws/messages/message-item.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { contentFingerprint } from '#core/domain/messages/same-content.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, steppingClock } from '../factories.ts';

// A claim may hold the record to the claiming queue message's content (ClaimOptions.content): the
// record's fingerprint, written when it is created, in the claim's own condition. So an id reused for
// another message cannot claim the first message's record while it waits `accepted` and unclaimed,
// and the normal claim reads nothing more. A record that fails it is left as it was and answered
// 'unmatched-content' (the caller compares it), as is one written before records had a fingerprint.

describe('MessageRepository: a claim held to its content (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let repository: MessageRepository;
  let table: string;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
  });

  const storedItem = async (id: string) => {
    const { Item } = await aws.document.send(
      new GetCommand({ TableName: table, Key: itemKey.message(id), ConsistentRead: true }),
    );
    return Item;
  };

  it('when a record is created, then it carries its content fingerprint and get() does not show it', async () => {
    // Prepare
    const record = messageRecord({ account: 'main' });
    // Act
    await repository.createAccepted(record);
    // Assess
    expect((await storedItem(record.id))?.[CONTENT_FINGERPRINT]).toBe(contentFingerprint(record));
    expect(await repository.get(record.id)).not.toHaveProperty(CONTENT_FINGERPRINT);
  });

  it('when the claim names the record’s own fingerprint, then it claims it', async () => {
    // Prepare
    const record = messageRecord({ account: 'main' });
    await repository.createAccepted(record);
    // Act
    const result = await repository.claimForSubmit(record.id, 'sqs-1#1', {
      content: { fingerprint: contentFingerprint(record), account: 'main' },
    });
    // Assess
    expect(result).toBe('claimed');
    expect((await repository.get(record.id))?.status).toBe('submitting');
  });

  it('when the claim names another fingerprint, then it is unmatched and the record stays accepted and unclaimed', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    const other = contentFingerprint({ ...record, text: 'Another message' });
    // Act
    const result = await repository.claimForSubmit(record.id, 'sqs-2#1', { content: { fingerprint: other } });
    // Assess
    expect(result).toBe('unmatched-content');
    const item = await storedItem(record.id);
    expect(item).toMatchObject({ status: 'accepted' });
    expect(item).not.toHaveProperty('claimedBy');
  });

  it('when the claim names another account than the record’s, then it is unmatched; a record of no account is claimed', async () => {
    // Prepare
    const withAccount = messageRecord({ account: 'main' });
    const withoutAccount = messageRecord();
    await repository.createAccepted(withAccount);
    await repository.createAccepted(withoutAccount);
    // Act
    const otherAccount = await repository.claimForSubmit(withAccount.id, 'sqs-1#1', {
      content: { fingerprint: contentFingerprint(withAccount), account: 'other' },
    });
    const noAccount = await repository.claimForSubmit(withoutAccount.id, 'sqs-2#1', {
      content: { fingerprint: contentFingerprint(withoutAccount), account: 'other' },
    });
    // Assess
    expect(otherAccount).toBe('unmatched-content');
    expect(noAccount).toBe('claimed');
  });

  it('when the record was written before fingerprints, then a claim naming content is unmatched and one naming none claims it', async () => {
    // Prepare: the previous version's record.
    const record = messageRecord();
    await repository.createAccepted(record);
    await aws.document.send(
      new UpdateCommand({
        TableName: table,
        Key: itemKey.message(record.id),
        UpdateExpression: 'REMOVE #fingerprint',
        ExpressionAttributeNames: { '#fingerprint': CONTENT_FINGERPRINT },
      }),
    );
    // Act
    let read: MessageRecord | undefined;
    const held = await repository.claimForSubmit(record.id, 'sqs-1#1', {
      content: {
        fingerprint: contentFingerprint(record),
        onUnmatched: (stored) => {
          read = stored;
        },
      },
    });
    const compared = await repository.claimForSubmit(record.id, 'sqs-1#1');
    // Assess: the record the claim read goes to the caller, which compares it without reading again.
    expect(held).toBe('unmatched-content');
    expect(read).toMatchObject({ id: record.id, to: record.to, text: record.text, status: 'accepted' });
    expect(read).not.toHaveProperty(CONTENT_FINGERPRINT);
    expect(compared).toBe('claimed');
  });

  it('when another message holds the claim, then a claim of other content finds it claimed, not unmatched', async () => {
    // Prepare
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id, 'sqs-1#1');
    // Act
    const result = await repository.claimForSubmit(record.id, 'sqs-2#1', {
      content: { fingerprint: contentFingerprint({ ...record, to: '+37255500000' }) },
    });
    // Assess
    expect(result).toBe('already-claimed');
  });
});
