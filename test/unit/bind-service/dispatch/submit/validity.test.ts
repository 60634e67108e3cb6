import { describe, expect, it } from 'vitest';
import { relativeValidity, relativeValiditySeconds } from '#bind-service/dispatch/submit/validity.ts';

describe('relativeValidity', () => {
  it.each([
    [1440, '000001000000000R'],
    [90, '000000013000000R'],
    [1, '000000000100000R'],
    [4320, '000003000000000R'],
    [1441, '000001000100000R'],
  ])('when the validity is %i minutes, then the SMPP relative time is %s', (minutes, expected) => {
    // Act
    const value = relativeValidity(minutes);
    // Assess
    expect(value).toBe(expected);
    expect(value).toHaveLength(16);
  });

  it('when the validity is not a positive whole number of minutes, then it is refused', () => {
    // Act / Assess
    expect(() => relativeValidity(0)).toThrow(RangeError);
    expect(() => relativeValidity(1.5)).toThrow(RangeError);
  });

  it('when the validity exceeds 99 days, then it is refused rather than wrapped', () => {
    // Act / Assess
    expect(() => relativeValidity(100 * 1440)).toThrow(/99 days/);
  });
});

describe('relativeValiditySeconds', () => {
  it.each([
    [600, '000000001000000R'],
    [90, '000000000130000R'],
    [1, '000000000001000R'],
    [86_399, '000000235959000R'],
  ])('when %i seconds are left, then the SMPP relative time is %s', (seconds, expected) => {
    // Act
    const value = relativeValiditySeconds(seconds);
    // Assess
    expect(value).toBe(expected);
    expect(value).toHaveLength(16);
  });

  it('when no whole second is left, then it is refused', () => {
    // Act / Assess
    expect(() => relativeValiditySeconds(0)).toThrow(RangeError);
  });
});
