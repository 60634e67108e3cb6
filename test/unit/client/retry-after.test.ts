import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '#client/transport.ts';

// Retry-After in both of RFC 9110's forms, delta-seconds and HTTP-date, as the seconds to wait.

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const header = (value: string) => new Headers({ 'retry-after': value });

describe('Retry-After as seconds to wait', () => {
  it('when it is delta-seconds, then it is those seconds', () => {
    // Act
    const seconds = retryAfterSeconds(header('40'), NOW);
    // Assess
    expect(seconds).toBe(40);
  });

  it('when it is an HTTP-date ahead, then it is the seconds until it, rounded up', () => {
    // Act
    const seconds = retryAfterSeconds(header('Sun, 01 Jun 2025 12:01:00 GMT'), NOW - 500);
    // Assess: 60.5 s ahead: a retry after 60 s would come before the date
    expect(seconds).toBe(61);
  });

  it('when it is an HTTP-date already past, then it is 0', () => {
    // Act
    const seconds = retryAfterSeconds(header('Sun, 01 Jun 2025 11:59:00 GMT'), NOW);
    // Assess
    expect(seconds).toBe(0);
  });

  it.each(['', 'soon', '-5'])('when it is "%s", then there is none', (value) => {
    // Act
    const seconds = retryAfterSeconds(header(value), NOW);
    // Assess
    expect(seconds).toBeUndefined();
  });

  it('when there is no Retry-After, then there is none', () => {
    // Act
    const seconds = retryAfterSeconds(new Headers(), NOW);
    // Assess
    expect(seconds).toBeUndefined();
  });
});
