// `npm run bench:table`: rewrites the README's before/after table of the pipeline benchmark from
// bench/results/pipeline-before.json (main before issue 11) and bench/results/pipeline.json (the
// last run), between the table's markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAfterTable, type PipelineJson, withTable } from './pipeline/table.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as PipelineJson;
const table = beforeAfterTable(
  read('bench/results/pipeline-before.json'),
  read('bench/results/pipeline.json'),
);
const readme = join(root, 'README.md');
writeFileSync(readme, withTable(readFileSync(readme, 'utf8'), table));
console.log(table);
