import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENTS_DOC, renderEventsDoc, renderSchema, SCHEMA_FILE } from './event-docs/render.ts';

// `npm run docs:events`: rewrites the generated sections of docs/events.md and the JSON Schema file
// from the code. test/unit/scripts/event-docs.test.ts fails when either is out of date.

const root = fileURLToPath(new URL('..', import.meta.url));
const docPath = join(root, EVENTS_DOC);
writeFileSync(docPath, renderEventsDoc(readFileSync(docPath, 'utf8'), root));
mkdirSync(dirname(join(root, SCHEMA_FILE)), { recursive: true });
writeFileSync(join(root, SCHEMA_FILE), renderSchema());
process.stdout.write(`wrote ${EVENTS_DOC} and ${SCHEMA_FILE}\n`);
