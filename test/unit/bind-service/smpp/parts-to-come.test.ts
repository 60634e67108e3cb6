import { describe, expect, it } from 'vitest';
import type { SubmitOutcome, SubmitTag } from '#bind-service/smpp/index.ts';
import { PARTS_MINUTE_MS, PartsToCome } from '#bind-service/smpp/parts-to-come.ts';

const ACCEPTED: SubmitOutcome = { kind: 'accepted', messageId: 'smsc-1' };
const THROTTLED: SubmitOutcome = { kind: 'throttled' };
const REJECTED: SubmitOutcome = { kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' };
const TIMED_OUT: SubmitOutcome = { kind: 'unknown', reason: 'timeout' };
const STOPPING: SubmitOutcome = { kind: 'not-sent', reason: 'stopping' };

const tag = (part: number, parts = 3, messageId = 'm-1'): SubmitTag => ({ messageId, part, parts });

/** A message of 3 parts whose first part went out and was accepted. */
function started(clock = { now: 0 }) {
  const parts = new PartsToCome(() => clock.now);
  parts.sent(tag(1));
  parts.settled(tag(1), ACCEPTED);
  return parts;
}

describe('PartsToCome', () => {
  it('when a long message’s first part goes out, then it has parts to come until its last part is accepted', async () => {
    // Prepare
    const parts = started();
    let none = false;
    const whenNone = parts.whenNone().then(() => {
      none = true;
    });
    // Act
    parts.sent(tag(2));
    parts.settled(tag(2), ACCEPTED);
    const afterSecond = parts.size;
    parts.sent(tag(3));
    const whileLastInFlight = parts.size;
    parts.settled(tag(3), ACCEPTED);
    await whenNone;
    // Assess
    expect({ afterSecond, whileLastInFlight, after: parts.size, none }).toEqual({
      afterSecond: 1,
      whileLastInFlight: 1,
      after: 0,
      none: true,
    });
  });

  it('when a later part is throttled or refused, then the message keeps its place (the part may be sent again)', () => {
    // Prepare
    const parts = started();
    // Act
    parts.settled(tag(2), THROTTLED);
    parts.settled(tag(2), REJECTED);
    // Assess
    expect(parts.size).toBe(1);
  });

  it('when a first part is throttled or refused, then nothing of the message is at the SMSC and it has no parts to come', () => {
    // Prepare
    const parts = new PartsToCome(() => 0);
    parts.sent(tag(1));
    // Act
    parts.settled(tag(1), THROTTLED);
    const afterThrottled = parts.size;
    parts.sent(tag(1));
    parts.settled(tag(1), REJECTED);
    // Assess
    expect({ afterThrottled, after: parts.size }).toEqual({ afterThrottled: 0, after: 0 });
  });

  it('when a later part is refused for good, then its sender fails the message and it leaves', () => {
    // Prepare
    const parts = started();
    // Act: ESME_RINVDSTADR is not passing: part-action.ts fails the message, no resend.
    parts.settled(tag(2), { kind: 'rejected', commandStatus: 0x0b, name: 'ESME_RINVDSTADR' });
    // Assess: kept, a graceful stop would wait its whole drain for a part that never comes.
    expect(parts.size).toBe(0);
  });

  it('when its sender says the message ended, then it leaves and waiters are told', async () => {
    // Prepare: part 2 throttled, then the sender gave up at the parts window without a word.
    const parts = started();
    parts.settled(tag(2), THROTTLED);
    const none = parts.whenNone();
    // Act
    parts.ended('m-1');
    await none;
    // Assess
    expect(parts.size).toBe(0);
  });

  it('when a later part ends unknown or is not sent, then its sender ends the message and it leaves', () => {
    // Prepare
    const parts = started();
    parts.sent(tag(1, 2, 'm-2'));
    // Act
    parts.settled(tag(2), TIMED_OUT);
    parts.settled(tag(2, 2, 'm-2'), STOPPING);
    // Assess
    expect(parts.size).toBe(0);
  });

  it('when a single-part or untagged submit goes out, then no message has parts to come', () => {
    // Prepare
    const parts = new PartsToCome(() => 0);
    // Act
    parts.sent(tag(1, 1));
    parts.sent(undefined);
    parts.settled(undefined, ACCEPTED);
    // Assess
    expect(parts.size).toBe(0);
  });

  it('when a message was started longer ago than the provider’s minute, then it is forgotten and waiters are told', async () => {
    // Prepare: its sender gave up at the parts window without a word.
    const clock = { now: 0 };
    const parts = started(clock);
    const whenNone = parts.whenNone();
    // Act
    clock.now = PARTS_MINUTE_MS;
    const size = parts.size;
    // Assess
    expect(size).toBe(0);
    await expect(whenNone).resolves.toBeUndefined();
  });
});
