import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENTS_DOC, renderEventsDoc, renderSchemas } from './event-docs/render.ts';

// `npm run docs:events`: rewrites the generated sections of docs/events.md and the JSON Schema files
// from the code. test/unit/scripts/event-docs.test.ts fails when either is out of date.

const root = fileURLToPath(new URL('..', import.meta.url));
const docPath = join(root, EVENTS_DOC);
writeFileSync(docPath, renderEventsDoc(readFileSync(docPath, 'utf8'), root));
for (const [file, content] of Object.entries(renderSchemas())) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}
process.stdout.write(`wrote ${EVENTS_DOC} and ${Object.keys(renderSchemas()).join(', ')}\n`);
