import { describe, expect, it } from 'vitest';
import { DEFAULT_GIVE_BACK, giveBackSeconds } from '#bind-service/dispatch/intake/give-back.ts';
import { QUEUES } from '#core/aws/resources/resource-definitions.ts';
import { MAX_VALIDITY_MINUTES } from '#core/domain/requests/message-schema.ts';

describe('giveBackSeconds', () => {
  it('when a message is given back again and again, then the pause doubles up to its cap', () => {
    // Act
    const pauses = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((receives) => giveBackSeconds(receives));
    // Assess
    expect(pauses).toEqual([5, 10, 20, 40, 80, 160, 320, 600, 600]);
  });

  it('when SQS gave no usable receive count, then the first pause applies', () => {
    // Act / Assess
    expect(giveBackSeconds(Number.NaN)).toBe(5);
    expect(giveBackSeconds(0)).toBe(5);
    expect(giveBackSeconds(1_000_000)).toBe(600);
  });

  it('when a valid message is given back for its whole longest validity, then it stays under the redrive limit', () => {
    // Prepare
    const validitySeconds = MAX_VALIDITY_MINUTES * 60;
    // Act: receive after receive, each followed by the pause the back-off gives it.
    let receives = 0;
    for (let waited = 0; waited <= validitySeconds; waited += Math.max(1, giveBackSeconds(receives))) {
      receives += 1;
    }
    // Assess
    for (const lane of ['urgent', 'bulk'] as const)
      expect(receives).toBeLessThan(QUEUES[lane].maxReceiveCount / 2);
  });

  it('when a test shortens the back-off to zero, then messages come back at once', () => {
    // Act / Assess
    expect(giveBackSeconds(7, { baseSeconds: 0, capSeconds: 0 })).toBe(0);
    expect(DEFAULT_GIVE_BACK).toEqual({ baseSeconds: 5, capSeconds: 600 });
  });
});
