// The fault cases on disk: every `<number>-<name>.fault.ts` under test/faults/cases/, in whichever
// job folder it sits (what the report expects a row from, and what FAST_CASES must name).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CaseFile, caseNumberOf } from './report.ts';

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cases');

export function caseFiles(dir = CASES_DIR): CaseFile[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => file.split('\\').join('/'))
    .flatMap((file) => {
      const number = caseNumberOf(file);
      return number === undefined ? [] : [{ number, file }];
    })
    .sort((a, b) => a.number - b.number);
}
