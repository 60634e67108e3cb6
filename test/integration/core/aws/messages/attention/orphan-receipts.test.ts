import { beforeEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecord, receipt, smscId, steppingClock, T0 } from '../../factories.ts';

// An `unknown` message without SMSC ids (its SUBMIT_SM_RESP never reached us) and the receipt the
// SMSC sent for it anyway, parked as an orphan under an id nobody knew: exactly one fit is adopted,
// anything less certain leaves the message `unknown`: several orphans that fit one message, and one
// orphan that several messages fit.

const NOW_AGE = { minOrphanAgeMs: 0 };
const SMPP_DIGITS = '37255512345';

describe('MessageRepository: orphan receipts matched to unknown messages (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let repository: MessageRepository;
  let clock: ReturnType<typeof steppingClock>;
  let table: string;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    clock = steppingClock();
    repository = new MessageRepository(aws.document, table, { clock: clock.now });
  });

  async function unknownWithoutIds(overrides: Partial<MessageRecord> = {}): Promise<MessageRecord> {
    const record = await claimed(overrides);
    await repository.markUnknown(record.id, 'the process died with the submit on the wire');
    return record;
  }

  async function claimed(overrides: Partial<MessageRecord> = {}): Promise<MessageRecord> {
    const record = messageRecord(overrides);
    await repository.createAccepted(record);
    await repository.claimForSubmit(record.id);
    return record;
  }

  /** Each listed unmatched message's match, oldest first, sharing one view of its rivals as a run does. */
  async function matchRun(rivals = repository.unmatchedRivals()): Promise<Map<string, string>> {
    const matches = new Map<string, string>();
    for (const id of await repository.unmatchedToCheck(clock.now(), 10)) {
      matches.set(id, await repository.matchOrphanReceipt(id, { ...NOW_AGE, rivals }));
    }
    return matches;
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

  describe('the login’s mark of the last orphan parked, read by every task’s reconciler', () => {
    it('when a receipt is parked as an orphan, then its login’s mark says when, and another login’s has none', async () => {
      // Prepare
      const before = clock.now();
      // Act
      expect(await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS)).toBe('orphan-stored');
      // Assess
      const mark = await repository.lastOrphanParkedAt();
      expect(mark?.getTime()).toBeGreaterThan(before.getTime());
      expect(mark?.getTime()).toBeLessThan(clock.now().getTime());
      expect(await repository.withSmscScope('b').lastOrphanParkedAt()).toBeUndefined();
    });

    it('when a receipt finds its owner, or is parked without a number to list it under, then no mark is written', async () => {
      // Prepare
      const owner = await claimed();
      const ownId = smscId();
      await repository.markSubmitted(owner.id, [ownId]);
      // Act
      await repository.applyReceipt(receipt(ownId), SMPP_DIGITS);
      expect(await repository.applyReceipt(receipt(smscId()))).toBe('orphan-stored');
      // Assess
      expect(await repository.lastOrphanParkedAt()).toBeUndefined();
    });

    it('when a task whose clock is behind parks one after a task that marked later, then the later mark stays, and a still later one moves it', async () => {
      // Prepare
      const ahead = new MessageRepository(aws.document, table, {
        clock: () => new Date(T0.getTime() + 10_000),
      });
      expect(await ahead.applyReceipt(receipt(smscId()), SMPP_DIGITS)).toBe('orphan-stored');
      // Act
      expect(await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS)).toBe('orphan-stored');
      const behind = await repository.lastOrphanParkedAt();
      clock.advance(20_000);
      expect(await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS)).toBe('orphan-stored');
      // Assess
      expect(behind).toEqual(new Date(T0.getTime() + 10_000));
      expect((await repository.lastOrphanParkedAt())?.getTime()).toBeGreaterThan(T0.getTime() + 20_000);
    });
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

  describe('an orphan receipt that another unknown message to the number fits too', () => {
    it('when two messages to one number are unknown without ids and one orphan receipt came, then neither adopts it: it may be either one’s', async () => {
      // Prepare: both claimed; only `sent` went on the wire, then the task died. The redelivery of
      // `neverSent` (claim-gate.ts) is seen first, so it is listed first.
      const sent = await claimed({ text: 'Your code is 1111' });
      const neverSent = await claimed({ text: 'Your code is 2222' });
      await repository.markUnknown(neverSent.id, 'redelivered claim: the task died');
      await repository.markUnknown(sent.id, 'the task died with the submit on the wire');
      expect(await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS)).toBe('orphan-stored');
      clock.advance(1_000);
      // Act
      const matches = await matchRun();
      // Assess: the message that never left the service is not reported delivered.
      expect(Object.fromEntries(matches)).toEqual({ [neverSent.id]: 'ambiguous', [sent.id]: 'ambiguous' });
      expect({
        neverSent: (await repository.get(neverSent.id))?.status,
        sent: (await repository.get(sent.id))?.status,
      }).toEqual({ neverSent: 'unknown', sent: 'unknown' });
    });

    it('when the other message to the number was claimed after the orphan was parked, beyond the clock skew, then the first one adopts it', async () => {
      // Prepare
      const owner = await unknownWithoutIds();
      const id = smscId();
      await repository.applyReceipt(receipt(id), SMPP_DIGITS);
      clock.advance(61_000);
      const later = await unknownWithoutIds();
      // Act
      const matches = await matchRun();
      // Assess
      expect(Object.fromEntries(matches)).toEqual({ [owner.id]: 'matched', [later.id]: 'none' });
      expect(await repository.get(owner.id)).toMatchObject({ status: 'delivered', smscIds: [id] });
      expect(await repository.get(later.id)).toMatchObject({ status: 'unknown', smscIds: [] });
    });

    it('when the receipt quotes a text the other message does not start with, then the one it quotes adopts it', async () => {
      // Prepare
      const owner = await unknownWithoutIds({ text: 'Your code is 1111' });
      const other = await unknownWithoutIds({ text: 'Your code is 2222' });
      const quoted = receipt(smscId());
      await repository.applyReceipt({ ...quoted, text: `${quoted.text}Your code is 1111` }, SMPP_DIGITS);
      // Act
      const matches = await matchRun();
      // Assess
      expect(Object.fromEntries(matches)).toEqual({ [owner.id]: 'matched', [other.id]: 'none' });
      expect((await repository.get(owner.id))?.status).toBe('delivered');
    });

    it('when a message adopted its orphan earlier in the run, then it no longer stands in the way of the next orphan', async () => {
      // Prepare: `first` adopts its receipt; `second`, claimed later, gets its own after that, in
      // the same run: by its time, it would fit `first` too.
      const first = await unknownWithoutIds();
      await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS);
      clock.advance(61_000);
      const second = await unknownWithoutIds();
      const rivals = repository.unmatchedRivals();
      const firstMatch = await repository.matchOrphanReceipt(first.id, { ...NOW_AGE, rivals });
      const secondId = smscId();
      await repository.applyReceipt(receipt(secondId), SMPP_DIGITS);
      // Act
      const secondMatch = await repository.matchOrphanReceipt(second.id, { ...NOW_AGE, rivals });
      // Assess
      expect({ firstMatch, secondMatch }).toEqual({ firstMatch: 'matched', secondMatch: 'matched' });
      expect(await repository.get(second.id)).toMatchObject({ status: 'delivered', smscIds: [secondId] });
    });

    it('when the account has more unmatched messages than are read, then no orphan is adopted and that is reported', async () => {
      // Prepare: two messages to two numbers, each with its own orphan; only one message is read.
      const one = await unknownWithoutIds();
      const two = await unknownWithoutIds({ to: '+37255512399' });
      await repository.applyReceipt(receipt(smscId()), SMPP_DIGITS);
      await repository.applyReceipt(receipt(smscId()), '37255512399');
      const rivals = repository.unmatchedRivals(1);
      // Act
      const matches = await matchRun(rivals);
      // Assess
      expect(Object.fromEntries(matches)).toEqual({ [one.id]: 'ambiguous', [two.id]: 'ambiguous' });
      expect(rivals.overflowed).toBe(true);
      expect((await repository.get(one.id))?.status).toBe('unknown');
    });
  });
});
