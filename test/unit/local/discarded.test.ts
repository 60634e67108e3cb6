import { describe, expect, it } from 'vitest';
import { discardedNotice } from '#local/discarded.ts';

// The lines `npm start` prints when a stop throws away what the in-memory stack had not finished.

describe('the notice of what a stop of the local stack discards', () => {
  it.each([
    [{ unsent: 3, awaitingReceipt: 0 }, ['3 accepted messages not yet sent are discarded']],
    [{ unsent: 1, awaitingReceipt: undefined }, ['1 accepted message not yet sent is discarded']],
    [
      { unsent: 0, awaitingReceipt: 2 },
      ['2 messages handed to the SMSC and still awaiting a final status are discarded'],
    ],
  ])('when the stop discards %o, then it says %o', (discarded, expected) => {
    // Act
    const lines = discardedNotice(discarded);
    // Assess
    expect(lines).toEqual(expected);
  });

  it('when nothing unfinished is discarded, then the stop prints no notice', () => {
    // Act
    const lines = discardedNotice({ unsent: 0, awaitingReceipt: 0 });
    // Assess
    expect(lines).toEqual([]);
  });
});
