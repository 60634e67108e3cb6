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

  it('when the late answer is throttling, then it is a refusal with ESME_RTHROTTLED', () => {
    // Act
    const answer = lateAnswerOf({ tag, outcome: { kind: 'throttled' }, sequenceNumber: 7 }, false);
    // Assess
    expect(answer).toMatchObject({ kind: 'refused', error: { code: 'ESME_RTHROTTLED' } });
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
