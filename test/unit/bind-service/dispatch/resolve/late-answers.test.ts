import { describe, expect, it } from 'vitest';
import { lateAnswerOf } from '#bind-service/dispatch/resolve/late-answers.ts';

const tag = { messageId: 'm1', part: 2, parts: 3 };

describe('lateAnswerOf', () => {
  it('when part 2 of 3 was accepted in SINGLE mode, then two ids are expected and it was not the last part', () => {
    // Act
    const answer = lateAnswerOf(
      { tag, outcome: { kind: 'accepted', messageId: '42' }, sequenceNumber: 7 },
      true,
    );
    // Assess
    expect(answer).toEqual({ kind: 'accepted', smscId: '42', lastPart: false, expectedSmscIds: 2 });
  });

  it('when the last part was accepted without SINGLE, then it completes the message and expects nothing more', () => {
    // Act
    const answer = lateAnswerOf(
      { tag: { ...tag, part: 3 }, outcome: { kind: 'accepted', messageId: '42' }, sequenceNumber: 7 },
      false,
    );
    // Assess
    expect(answer).toEqual({ kind: 'accepted', smscId: '42', lastPart: true });
  });

  it('when the late answer to a first part is throttling or a passing refusal, then the part was not taken: no refusal for good', () => {
    // Act
    const first = { ...tag, part: 1 };
    const throttled = lateAnswerOf({ tag: first, outcome: { kind: 'throttled' }, sequenceNumber: 7 }, false);
    const systemError = lateAnswerOf(
      {
        tag: first,
        outcome: { kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' },
        sequenceNumber: 7,
      },
      false,
    );
    // Assess: before, throttling was a refusal and the message ended `failed`.
    expect(throttled).toMatchObject({ kind: 'not-taken', error: { code: 'ESME_RTHROTTLED' } });
    expect(systemError).toMatchObject({ kind: 'not-taken', error: { code: 'ESME_RSYSERR' } });
  });

  it('when the late answer to a later part is throttling or a passing refusal, then it tells nothing: earlier parts are at the SMSC', () => {
    // Act: part 2 of 3, after part 1 was accepted (its answer may have carried no id).
    const throttled = lateAnswerOf({ tag, outcome: { kind: 'throttled' }, sequenceNumber: 7 }, false);
    const systemError = lateAnswerOf(
      { tag, outcome: { kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' }, sequenceNumber: 7 },
      false,
    );
    // Assess: before, `not-taken`, and a message without recorded ids went back to `accepted` and
    // was sent again whole, part 1 twice.
    expect([throttled, systemError]).toEqual([undefined, undefined]);
  });

  it('when the late answer refuses the part for good, then it is a refusal', () => {
    // Act
    const answer = lateAnswerOf(
      {
        tag,
        outcome: { kind: 'rejected', commandStatus: 0x45, name: 'ESME_RSUBMITFAIL' },
        sequenceNumber: 7,
      },
      false,
    );
    // Assess
    expect(answer).toMatchObject({ kind: 'refused', error: { code: 'ESME_RSUBMITFAIL' } });
  });

  it('when a generic_nack without status comes late, then it says nothing', () => {
    // Act
    const answer = lateAnswerOf(
      { tag, outcome: { kind: 'unknown', reason: 'generic-nack' }, sequenceNumber: 7 },
      false,
    );
    // Assess
    expect(answer).toBeUndefined();
  });
});
