import { fileURLToPath } from 'node:url';

/** Node options of the forked test workers: preload exit-when-orphaned.mjs (it says why). */
export const EXIT_WHEN_ORPHANED = [
  '--import',
  fileURLToPath(new URL('./exit-when-orphaned.mjs', import.meta.url)),
];
