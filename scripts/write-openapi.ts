// `npm run openapi`: writes docs/openapi.json from the zod schemas (a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { openApiText } from '#lambdas/api/openapi/document.ts';

const target = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(target, openApiText());
process.stdout.write(`wrote ${target.pathname}\n`);
