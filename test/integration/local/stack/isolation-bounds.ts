// How account-isolation.test.ts compares B's figures: a rate within 10% of what it was given, and
// B disturbed no more than 10% worse than undisturbed.

/** The most a figure may move: 10% (issue 12). */
export const MAX_CHANGE = 0.1;

/** A login's rate against the rate it was given: 10% either way. */
export function within(measured: number, configured: number): boolean {
  return Math.abs(measured - configured) <= configured * MAX_CHANGE;
}

/**
 * B disturbed against B undisturbed: at most 10% worse. Isolation means A's trouble does not slow B;
 * B doing better once A stops sending (less work for the shared store and cores) is no failure of it.
 */
export function notWorse(
  disturbed: number,
  undisturbed: number,
  direction: 'higher-is-better' | 'lower-is-better',
  floor = 0,
) {
  const allowed = Math.max(undisturbed * MAX_CHANGE, floor);
  return direction === 'higher-is-better'
    ? disturbed >= undisturbed - allowed
    : disturbed <= undisturbed + allowed;
}
