import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock } from '../../factories.ts';

// An `unknown` message without SMSC ids (its SUBMIT_SM_RESP never reached us) and the receipt the
// SMSC sent for it anyway, parked as an orphan under an id nobody knew: exactly one fit is adopted,
// anything less certain leaves the message `unknown`.

const NOW_AGE = { minOrphanAgeMs: 0 };
const SMPP_DIGITS = '37255512345';

describe('MessageRepository: orphan receipts matched to unknown messages (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let repository: MessageRepository;
  let clock: ReturnType<typeof steppingClock>;

  beforeEach(async () => {
    const table = (await aws.freshTables()).messages;
    clock = steppingClock();
    repository = new MessageRepository(aws.document, table, { clock: clock.now });
  });

  async function unknownWithoutIds(overrides: Partial<MessageRecord> = {}): Promise<MessageRecord> {
    const record = messageRecord(overrides);
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    await repository.markUnknown(record.id, 'the process died with the submit on the wire');
    return record;
  }

  it('when one orphan receipt for its number came after the claim, then the message adopts it and is delivered', async () => {
    // Prepare
    const record = await unknownWithoutIds();
    const id = smscId();
    expect(await repository.applyReceipt(receipt(id, { cost: '1.5' }), SMPP_DIGITS)).toBe('orphan-stored');
    // Act
    const listed = await repository.unmatchedToCheck(clock.now(), 10);
    const match = await repository.matchOrphanReceipt(record.id, NOW_AGE);
    // Assess
    expect(listed).toEqual([record.id]);
    expect(match).toBe('matched');
    expect(await repository.get(record.id)).toMatchObject({
      status: 'delivered',
      smscIds: [id],
      cost: '1.5',
    });
    expect(await repository.unmatchedToCheck(clock.now(), 10)).toEqual([]);
  });

  it('when two orphan receipts fit, then the message is left unknown', async () => {
    // Prepare
    const record = await unknownWithoutIds();
    await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS);
    await repository.applyReceipt(receipt(smscId()), `+${SMPP_DIGITS}`);
    // Act
    const match = await repository.matchOrphanReceipt(record.id, NOW_AGE);
    // Assess
    expect(match).toBe('ambiguous');
    expect((await repository.get(record.id))?.status).toBe('unknown');
  });

  it('when the only orphan is for another number, quotes another text or is younger than the minimum age, then nothing is adopted', async () => {
    // Prepare
    const record = await unknownWithoutIds({ text: 'Your code is 1234' });
    await repository.applyReceipt(receipt(smscId()), '37255500000');
    const otherText = receipt(smscId());
    await repository.applyReceipt({ ...otherText, text: `${otherText.text}Another message` }, SMPP_DIGITS);
    const young = await unknownWithoutIds({ to: '+37255512399' });
    await repository.applyReceipt(receipt(smscId()), '37255512399');
    // Act
    const matches = [
      await repository.matchOrphanReceipt(record.id, NOW_AGE),
      await repository.matchOrphanReceipt(young.id, { minOrphanAgeMs: 60_000 }),
    ];
    // Assess
    expect(matches).toEqual(['none', 'none']);
    expect((await repository.get(record.id))?.status).toBe('unknown');
    expect((await repository.get(young.id))?.status).toBe('unknown');
  });

  it('when a receipt quotes the start of the message text, then it fits', async () => {
    // Prepare
    const record = await unknownWithoutIds({ text: 'Your code is 1234, valid 5 minutes' });
    const quoted = receipt(smscId());
    await repository.applyReceipt({ ...quoted, text: `${quoted.text}Your code is 1234, v` }, SMPP_DIGITS);
    // Act
    const match = await repository.matchOrphanReceipt(record.id, NOW_AGE);
    // Assess
    expect(match).toBe('matched');
    expect((await repository.get(record.id))?.status).toBe('delivered');
  });

  it('when the orphan was parked before the message was claimed (less the clock skew), then it does not fit', async () => {
    // Prepare: a receipt for some earlier message to the same number, two minutes before the claim.
    await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS);
    clock.advance(120_000);
    const record = await unknownWithoutIds();
    // Act
    const match = await repository.matchOrphanReceipt(record.id, NOW_AGE);
    // Assess
    expect(match).toBe('none');
  });

  it('when the unknown message has several parts or is resolved, then it is not eligible', async () => {
    // Prepare
    const long = await unknownWithoutIds({ parts: 2 });
    await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS);
    const sent = messageRecord();
    await repository.createAccepted(sent);
    await repository.claimForSubmit(sent.id);
    await repository.markSubmitted(sent.id, [smscId()]);
    // Act
    const matches = [
      await repository.matchOrphanReceipt(long.id, NOW_AGE),
      await repository.matchOrphanReceipt(sent.id, NOW_AGE),
    ];
    // Assess
    expect(matches).toEqual(['not-eligible', 'not-eligible']);
    expect((await repository.get(long.id))?.status).toBe('unknown');
  });

  it('when a receipt finds its owner, then it is not listed as an orphan for anyone else', async () => {
    // Prepare: the owner's submitted write lands after its receipt was parked (an early receipt).
    const id = smscId();
    await repository.applyReceipt(receipt(id), SMPP_DIGITS);
    const owner = messageRecord();
    await repository.createAccepted(owner);
    await repository.claimForSubmit(owner.id);
    await repository.markSubmitted(owner.id, [id]);
    const stranger = await unknownWithoutIds();
    // Act
    const match = await repository.matchOrphanReceipt(stranger.id, NOW_AGE);
    // Assess
    expect((await repository.get(owner.id))?.status).toBe('delivered');
    expect(match).toBe('none');
  });

  it('when another login parked 11 orphans for the number before this login’s one fit, then the message still adopts its own', async () => {
    // Prepare: another login's receipts nobody owns (its own unknown messages) fill the first page
    const record = await unknownWithoutIds();
    const other = repository.withSmscScope('b');
    for (let i = 0; i < 11; i++) {
      expect(await other.applyReceipt(receipt(smscId()), SMPP_DIGITS)).toBe('orphan-stored');
    }
    const own = smscId();
    expect(await repository.applyReceipt(receipt(own), SMPP_DIGITS)).toBe('orphan-stored');
    // Act
    const match = await repository.matchOrphanReceipt(record.id, NOW_AGE);
    // Assess
    expect(match).toBe('matched');
    expect(await repository.get(record.id)).toMatchObject({ status: 'delivered', smscIds: [own] });
  });

  it('when a failed long message’s accepted part reports, then its receipt finds that message (stale) and no unknown message to the number adopts it', async () => {
    // Prepare: part 1 of 2 accepted, part 2 refused for good: failed, keeping part 1's id.
    const failedOwner = messageRecord({ parts: 2 });
    await repository.createAccepted(failedOwner);
    await repository.claimForSubmit(failedOwner.id);
    const partId = smscId();
    const refusal = { code: 'ESME_RINVDSTADR', name: 'Invalid destination address', description: 'part 2' };
    await repository.markFailed(failedOwner.id, refusal, [partId]);
    const stranger = await unknownWithoutIds();
    // Act: the SMSC reports on the accepted part (an incomplete long message, err 241).
    const applied = await repository.applyReceipt(
      receipt(partId, { stat: 'UNDELIV', outcome: 'undelivered', errorCode: 241 }),
      SMPP_DIGITS,
    );
    const match = await repository.matchOrphanReceipt(stranger.id, NOW_AGE);
    // Assess
    expect({ applied, match }).toEqual({ applied: 'stale', match: 'none' });
    expect(await repository.get(failedOwner.id)).toMatchObject({
      status: 'failed',
      error: refusal,
      smscIds: [partId],
    });
    expect(await repository.get(stranger.id)).toMatchObject({ status: 'unknown', smscIds: [] });
  });
});
