import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_DOC, renderConfigDoc } from './config-docs/render.ts';

// `npm run docs:config`: rewrites docs/configuration.md from the code.
// test/unit/scripts/config-docs.test.ts fails when it is out of date.

const root = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(join(root, CONFIG_DOC), renderConfigDoc());
process.stdout.write(`wrote ${CONFIG_DOC}\n`);
