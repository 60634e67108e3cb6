import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '#cli/batch/journal.ts';

describe('the batch progress journal', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const csvPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsc-journal-'));
    dirs.push(dir);
    return join(dir, 'mailing.csv');
  };

  it('when rows were recorded, then a reopened journal of the same file knows them', () => {
    // Prepare
    const csv = csvPath();
    const first = openJournal(csv, 'f1', 3);
    first.record({ row: 1, id: '01M89PNMZR2HR54Q7H2NGA9838', replayed: false });
    first.record({
      row: 2,
      rejected: { status: 400, code: 'validation_failed', detail: 'to: bad', reasons: [] },
    });
    // Act
    const second = openJournal(csv, 'f1', 3);
    // Assess
    expect([...second.done.keys()]).toEqual([1, 2]);
  });

  it('when the last line was cut short by a hard kill, then the lines before it still count', () => {
    // Prepare
    const csv = csvPath();
    openJournal(csv, 'f1', 3).record({ row: 1, id: 'x', replayed: false });
    appendFileSync(`${csv}.progress.jsonl`, '{"row":2,"i');
    // Act
    const reopened = openJournal(csv, 'f1', 3);
    // Assess
    expect([...reopened.done.keys()]).toEqual([1]);
  });

  it('when the CSV changed since the journal was written, then resuming is refused', () => {
    // Prepare
    const csv = csvPath();
    openJournal(csv, 'f1', 3).record({ row: 1, id: 'x', replayed: false });
    // Act
    const reopen = () => openJournal(csv, 'f2', 3);
    // Assess
    expect(reopen).toThrow(/belongs to another version of the CSV/);
  });
});
