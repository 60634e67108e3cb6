import { describe, expect, it } from 'vitest';
import { CallbackError } from '#core/callbacks/callback.ts';
import { CallbackRefusedError } from '#core/callbacks/callback-sender.ts';
import { backoffSeconds, failureKind } from '#lambdas/callbacks/attempt-policy.ts';

describe('failureKind', () => {
  it.each([301, 302, 307, 400, 401, 403, 404, 410, 422])(
    'when the receiver answers %i, then the failure is final',
    (status) => {
      // Act / Assess
      expect(failureKind(new CallbackError(`callback answered ${status}`, status))).toBe('final');
    },
  );

  it.each([408, 429, 500, 502, 503, 504])('when the receiver answers %i, then it is retried', (status) => {
    // Act / Assess
    expect(failureKind(new CallbackError(`callback answered ${status}`, status))).toBe('retry');
  });

  it('when the receiver did not answer (timeout, no connection), then it is retried', () => {
    // Act / Assess
    expect(failureKind(new CallbackError('callback timed out'))).toBe('retry');
    expect(failureKind(new Error('socket hang up'))).toBe('retry');
  });

  it('when the target is refused, then the failure is final', () => {
    // Act / Assess
    expect(failureKind(new CallbackRefusedError('loopback or link-local address'))).toBe('final');
  });
});

describe('backoffSeconds', () => {
  it('when attempts fail one after another, then the waits grow and stay within SQS’s 12 h limit', () => {
    // Act
    const waits = [1, 2, 3, 4, 5, 6, 7, 20].map(backoffSeconds);
    // Assess
    expect(waits).toEqual([10, 30, 120, 600, 1_800, 3_600, 3_600, 3_600]);
  });
});
