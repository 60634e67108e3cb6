import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { parseDeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import type { SmscIdBase } from '#core/domain/receipts/smsc-id.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, steppingClock } from '../factories.ts';

// SMSC message ids are read in one configured base (SMPP_MESSAGE_ID_BASE), never guessed per id: a
// hex id without a letter ("1715004") must not be taken for the decimal spelling of another message's
// hex id ("1a2b3c" = 1715004). A receipt goes through the same parser and repository as in service.

const receiptText = (id: string) =>
  `id:${id} sub:001 dlvrd:001 submit date:3001010000 done date:3001010001 stat:DELIVRD err:000 text:`;

describe('MessageRepository: SMSC ids in the configured base (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
  });

  async function submitted(repository: MessageRepository, smscId: string): Promise<MessageRecord> {
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    await repository.markSubmitted(record.id, [smscId], { kind: 'sms' });
    return record;
  }

  async function deliver(repository: MessageRepository, id: string, smscIdBase: SmscIdBase) {
    return repository.applyReceipt(parseDeliveryReceipt({ text: receiptText(id), smscIdBase }));
  }

  it('when the SMSC writes hex ids and one has no letter, then each receipt finds its own message', async () => {
    // Prepare: 0x1A2B3C is 1715004 in decimal, and "1715004" is another message's hex id.
    const repository = new MessageRepository(aws.document, table, {
      clock: steppingClock().now,
      smscIdBase: 'hex',
    });
    const lettered = await submitted(repository, '1A2B3C');
    const digitsOnly = await submitted(repository, '1715004');
    // Act
    const result = await deliver(repository, '01715004', 'hex');
    // Assess
    expect(result).toBe('applied');
    expect((await repository.get(digitsOnly.id))?.status).toBe('delivered');
    expect((await repository.get(lettered.id))?.status).toBe('submitted');
    expect(await deliver(repository, '1a2b3c', 'hex')).toBe('applied');
    expect((await repository.get(lettered.id))?.status).toBe('delivered');
  });

  it('when a late SUBMIT_SM_RESP brings a zero-padded hex id, then it is stored as the base reads it and its receipt finds the message', async () => {
    // Prepare: the answer timed out, so the message is unknown.
    const repository = new MessageRepository(aws.document, table, {
      clock: steppingClock().now,
      smscIdBase: 'hex',
    });
    const record = messageRecord();
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    await repository.markUnknown(record.id, 'no SUBMIT_SM_RESP in time', [], { kind: 'sms' });
    // Act
    const late = await repository.recordLateAnswer(record.id, {
      kind: 'accepted',
      smscId: '0A1B2C3D',
      lastPart: true,
    });
    const receipt = await deliver(repository, '0A1B2C3D', 'hex');
    // Assess
    expect({ late, receipt }).toEqual({ late: 'applied', receipt: 'applied' });
    expect(await repository.get(record.id)).toMatchObject({ status: 'delivered', smscIds: ['a1b2c3d'] });
  });

  it('when the SMSC writes decimal ids, then zero padding does not matter and no id is read as hex', async () => {
    // Prepare: "abc" is not a decimal id; read as hex it would be 2748, another message's id.
    const repository = new MessageRepository(aws.document, table, { clock: steppingClock().now });
    const padded = await submitted(repository, '000123');
    const decimal = await submitted(repository, '2748');
    const lettered = await submitted(repository, 'abc');
    // Act
    const results = [
      await deliver(repository, '123', 'decimal'),
      await deliver(repository, '2748', 'decimal'),
    ];
    // Assess
    expect(results).toEqual(['applied', 'applied']);
    expect((await repository.get(padded.id))?.status).toBe('delivered');
    expect((await repository.get(decimal.id))?.status).toBe('delivered');
    expect((await repository.get(lettered.id))?.status).toBe('submitted');
  });
});
