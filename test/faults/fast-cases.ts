// The fault cases CI runs inside `npm test` (vitest.config.ts includes them): a few minutes of
// the most telling ones. `npm run test:faults` runs every case.
export const FAST_CASES = ['02-sigterm', '14-enquire-link-stops'] as const;
