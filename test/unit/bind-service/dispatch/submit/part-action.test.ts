import { describe, expect, it } from 'vitest';
import {
  commandStatusError,
  DEFAULT_RETRY_POLICY,
  decidePart,
} from '#bind-service/dispatch/submit/part-action.ts';

const fresh = { transient: 0, throttled: 0 };

describe('decidePart', () => {
  it('when the SMSC accepts the part, then its id is kept and the next part follows', () => {
    // Act / Assess
    expect(decidePart({ kind: 'accepted', messageId: '123' }, fresh)).toEqual({
      action: 'next',
      smscId: '123',
    });
  });

  it('when the SMSC accepts the part with an empty message id, then the next part follows without an id', () => {
    // Act / Assess
    expect(decidePart({ kind: 'accepted', messageId: '' }, fresh)).toEqual({ action: 'next-without-id' });
    expect(decidePart({ kind: 'accepted', messageId: ' ' }, fresh)).toEqual({ action: 'next-without-id' });
  });

  it('when the SMSC throttles, then the same part is sent again', () => {
    // Act / Assess
    expect(decidePart({ kind: 'throttled' }, fresh)).toEqual({ action: 'resend-throttled' });
  });

  it('when it keeps throttling past the bound, then the part counts as not sent', () => {
    // Act
    const decision = decidePart(
      { kind: 'throttled' },
      { transient: 0, throttled: DEFAULT_RETRY_POLICY.maxThrottledResends },
    );
    // Assess
    expect(decision).toEqual({ action: 'not-sent', reason: 'throttled-too-long' });
  });

  it.each([
    [0x64, 'ESME_RX_T_APPN'],
    [0x08, 'ESME_RSYSERR'],
  ])(
    'when the SMSC refuses with transient status 0x%s, then the part is retried with growing back-off',
    (status, name) => {
      // Act
      const first = decidePart({ kind: 'rejected', commandStatus: status, name }, fresh);
      const second = decidePart(
        { kind: 'rejected', commandStatus: status, name },
        { transient: 1, throttled: 0 },
      );
      // Assess
      expect(first).toEqual({ action: 'retry', delayMs: 250 });
      expect(second).toEqual({ action: 'retry', delayMs: 500 });
    },
  );

  it('when transient refusals of a later part exhaust the retries, then the message fails with that status', () => {
    // Act
    const decision = decidePart(
      { kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' },
      { transient: DEFAULT_RETRY_POLICY.maxTransientRetries, throttled: 0 },
      DEFAULT_RETRY_POLICY,
      { onWire: true },
    );
    // Assess
    expect(decision).toMatchObject({
      action: 'fail',
      error: { code: 'ESME_RSYSERR', name: 'System error' },
    });
  });

  it('when transient refusals of a message with nothing on the wire exhaust the quick retries, then it is not sent (it goes again later), never failed', () => {
    // Act: before, `failed` for good after about 1.75 s of an SMSC's passing trouble.
    const decision = decidePart(
      { kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' },
      { transient: DEFAULT_RETRY_POLICY.maxTransientRetries, throttled: 0 },
      DEFAULT_RETRY_POLICY,
      { onWire: false },
    );
    // Assess
    expect(decision).toEqual({ action: 'not-sent', reason: 'transient-refusals' });
  });

  it('when the SMSC answers ESME_RINVBNDSTS (it holds the session unbound), then the part counts as not sent, never failed', () => {
    // Act: before, three quick resends on the same session, then `failed` for good.
    const decisions = [0, DEFAULT_RETRY_POLICY.maxTransientRetries].map((transient) =>
      decidePart(
        { kind: 'rejected', commandStatus: 0x04, name: 'ESME_RINVBNDSTS' },
        { transient, throttled: 0 },
      ),
    );
    // Assess
    expect(decisions).toEqual([
      { action: 'not-sent', reason: 'session-not-bound-at-smsc' },
      { action: 'not-sent', reason: 'session-not-bound-at-smsc' },
    ]);
  });

  it('when the SMSC refuses for good, then the message fails with the status name and meaning', () => {
    // Act
    const decision = decidePart({ kind: 'rejected', commandStatus: 0x0b, name: 'ESME_RINVDSTADR' }, fresh);
    // Assess
    expect(decision).toEqual({
      action: 'fail',
      error: {
        code: 'ESME_RINVDSTADR',
        name: 'Invalid destination address',
        description:
          'The SMSC refused the submit with ESME_RINVDSTADR (0x0000000B): Invalid destination address.',
      },
    });
  });

  it.each(['timeout', 'connection-lost', 'generic-nack'] as const)(
    'when the outcome is unknown (%s), then it is never resent',
    (reason) => {
      // Act / Assess
      expect(decidePart({ kind: 'unknown', reason }, fresh)).toEqual({ action: 'unknown', reason });
    },
  );

  it('when nothing went on the wire, then the part is reported not sent', () => {
    // Act / Assess
    expect(decidePart({ kind: 'not-sent', reason: 'not-bound' }, fresh)).toEqual({
      action: 'not-sent',
      reason: 'not-bound',
    });
  });

  it('when a status is not in the catalogue, then it fails permanently under a readable code', () => {
    // Act / Assess
    expect(commandStatusError(0x401).code).toBe('UNKNOWN_0x00000401');
  });
});
