import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '#cli/batch/journal.ts';
import { type Mailing, mailingOf } from '#cli/batch/mailing.ts';

/** By default the mailing of file `f1` to the local stack, without row options. */
function mailing(file = 'f1', endpoint = 'http://127.0.0.1:3000', options = {}): Mailing {
  return mailingOf(file, endpoint, options);
}

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
    const first = openJournal(csv, mailing(), 3);
    first.record({ row: 1, id: '01M89PNMZR2HR54Q7H2NGA9838', replayed: false });
    first.record({
      row: 2,
      rejected: { status: 400, code: 'validation_failed', detail: 'to: bad', reasons: [] },
    });
    // Act
    const second = openJournal(csv, mailing(), 3);
    // Assess
    expect([...second.done.keys()]).toEqual([1, 2]);
  });

  it('when the last line was cut short by a hard kill, then the lines before it still count', () => {
    // Prepare
    const csv = csvPath();
    openJournal(csv, mailing(), 3).record({ row: 1, id: 'x', replayed: false });
    appendFileSync(`${csv}.progress.jsonl`, '{"row":2,"i');
    // Act
    const reopened = openJournal(csv, mailing(), 3);
    // Assess
    expect([...reopened.done.keys()]).toEqual([1]);
  });

  it('when the rerun records rows after a line cut by a hard kill, then a later run knows them all', () => {
    // Prepare: row 1 journalled, row 2's line cut mid-write.
    const csv = csvPath();
    openJournal(csv, mailing(), 3).record({ row: 1, id: '01M89PNMZR2HR54Q7H2NGA9838', replayed: false });
    appendFileSync(`${csv}.progress.jsonl`, '{"row":2,"id":"01M89PNMZR2HR5');
    const rerun = openJournal(csv, mailing(), 3);
    // Act: the rerun resends row 2 (the API replays its answer) and row 3.
    rerun.record({ row: 2, id: '01M89PNMZR2HR54Q7H2NGA9839', replayed: true });
    rerun.record({ row: 3, id: '01M89PNMZR2HR54Q7H2NGA9840', replayed: false });
    const third = openJournal(csv, mailing(), 3);
    // Assess: row 2's line is whole, not fused to the cut one (a third run would send it again).
    expect([...third.done.keys()].sort(), readFileSync(`${csv}.progress.jsonl`, 'utf8')).toEqual([1, 2, 3]);
  });

  it('when the CSV changed since the journal was written, then resuming is refused', () => {
    // Prepare
    const csv = csvPath();
    openJournal(csv, mailing(), 3).record({ row: 1, id: 'x', replayed: false });
    // Act
    const reopen = () => openJournal(csv, mailing('f2'), 3);
    // Assess
    expect(reopen).toThrow(/belongs to another version of the CSV/);
  });

  it('when the same file is run against another endpoint or with other row options, then resuming is refused naming what differs', () => {
    // Prepare
    const csv = csvPath();
    openJournal(csv, mailing('f1', 'http://127.0.0.1:3000', { text: 'Monday' }), 3).record({
      row: 1,
      id: 'x',
      replayed: false,
    });
    // Act
    const otherStack = () =>
      openJournal(csv, mailing('f1', 'https://api.example.com/prod', { text: 'Monday' }), 3);
    const otherText = () => openJournal(csv, mailing('f1', 'http://127.0.0.1:3000/', { text: 'Tuesday' }), 3);
    // Assess
    expect(otherStack).toThrow(
      /the endpoint http:\/\/127\.0\.0\.1:3000, not https:\/\/api\.example\.com\/prod/,
    );
    expect(otherText).toThrow(/another mailing of this file: --text "Monday", not "Tuesday"\. To resume it/);
    expect(otherText).toThrow(/move the journal away/);
  });

  it('when a run at another endpoint settled no row (a wrong --endpoint), then a run at this one takes the journal over', () => {
    // Prepare
    const csv = csvPath();
    openJournal(csv, mailing('f1', 'http://127.0.0.1:3000/prod'), 3);
    // Act
    const taken = openJournal(csv, mailing('f1', 'http://127.0.0.1:3000'), 3);
    taken.record({ row: 1, id: 'x', replayed: false });
    // Assess: the journal is now this endpoint's.
    expect([...openJournal(csv, mailing('f1', 'http://127.0.0.1:3000'), 3).done.keys()]).toEqual([1]);
    expect(() => openJournal(csv, mailing('f1', 'http://127.0.0.1:3000/prod'), 3)).toThrow(/another mailing/);
  });

  it('when the options differ only in spelling the same requests (no --priority, --priority bulk), then the journal resumes', () => {
    // Prepare
    const csv = csvPath();
    openJournal(csv, mailing('f1', 'http://127.0.0.1:3000', {}), 3).record({
      row: 1,
      id: 'x',
      replayed: false,
    });
    // Act
    const reopened = openJournal(csv, mailing('f1', 'http://127.0.0.1:3000/', { priority: 'bulk' }), 3);
    // Assess
    expect([...reopened.done.keys()]).toEqual([1]);
  });

  it('when the journal was written by the version that recorded the file alone, then resuming is refused', () => {
    // Prepare: that version's header, and a row it journalled.
    const csv = csvPath();
    writeFileSync(`${csv}.progress.jsonl`, '{"file":"f1","rows":3}\n{"row":1,"id":"x","replayed":false}\n');
    // Act
    const reopen = () => openJournal(csv, mailing(), 3);
    // Assess
    expect(reopen).toThrow(
      /written by an earlier smsc-sender, which did not record the endpoint and options/,
    );
  });

  it('when the header itself was cut by a hard kill, then the journal starts afresh', () => {
    // Prepare
    const csv = csvPath();
    writeFileSync(`${csv}.progress.jsonl`, '{"file":"f1","endp');
    // Act
    const reopened = openJournal(csv, mailing(), 3);
    reopened.record({ row: 1, id: 'x', replayed: false });
    // Assess
    expect([...openJournal(csv, mailing(), 3).done.keys()]).toEqual([1]);
  });
});
