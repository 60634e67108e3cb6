import { describe, expect, it } from 'vitest';
import { isFinalAnswer, receiptFromQuery } from '#core/domain/receipts/query-answer.ts';

describe('receiptFromQuery', () => {
  it('when QUERY_SM says undeliverable with an error and a final date, then it reads as that UNDELIV receipt', () => {
    // Act
    const receipt = receiptFromQuery('100000', {
      messageState: 5,
      errorCode: 1,
      finalDate: new Date('2030-01-02T03:04:00Z'),
    });
    // Assess
    expect(receipt).toMatchObject({
      smscId: '100000',
      stat: 'UNDELIV',
      outcome: 'undelivered',
      errorCode: 1,
      doneDate: '2030-01-02T03:04:00.000Z',
    });
    expect(isFinalAnswer(receipt)).toBe(true);
  });

  it('when QUERY_SM says en route or unknown, then the answer is not final', () => {
    // Act
    const enroute = receiptFromQuery('7', { messageState: 1, errorCode: 0 });
    const unknown = receiptFromQuery('7', { messageState: 7, errorCode: 0 });
    // Assess
    expect([enroute.outcome, unknown.outcome]).toEqual(['enroute', 'unknown']);
    expect([isFinalAnswer(enroute), isFinalAnswer(unknown)]).toEqual([false, false]);
  });

  it('when final_date carries seconds, then doneDate keeps them', () => {
    // Act: query_sm_resp's final_date has seconds (YYMMDDhhmmsstnnp); they were cut to the minute.
    const receipt = receiptFromQuery('abc', {
      messageState: 2,
      errorCode: 0,
      finalDate: new Date('2026-03-29T01:30:45.000Z'),
    });
    // Assess
    expect(receipt.doneDate).toBe('2026-03-29T01:30:45.000Z');
  });
});
