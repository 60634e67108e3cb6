// The fault cases CI runs inside `npm test` (vitest.config.ts includes them): a few minutes of
// the most telling ones. `npm run test:faults` runs every case. Each name is a case's file name
// without `.fault.ts` (its number is the case's id), in whichever job folder of cases/ it sits.
export const FAST_CASES = [
  '02-sigterm',
  '14-enquire-link-stops',
  '29-throttled-items',
  '30-api-faults-resends',
] as const;
