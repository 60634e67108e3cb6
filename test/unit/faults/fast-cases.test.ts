import { describe, expect, it } from 'vitest';
import { caseFiles } from '#test/faults/case-files.ts';
import { FAST_CASES } from '#test/faults/fast-cases.ts';

// vitest.config.ts turns each FAST_CASES name into a glob (`test/faults/cases/**/<name>.fault.ts`):
// a renamed or moved case would match nothing and silently leave CI's fast subset.

describe('the fault suite: fast cases', () => {
  it('when CI runs the fast subset, then every name in FAST_CASES is an existing case file', () => {
    // Prepare
    const names = new Set(
      caseFiles().map(({ file }) => file.replace(/^.*\//, '').replace(/\.fault\.ts$/, '')),
    );
    // Act
    const unknown = FAST_CASES.filter((name) => !names.has(name));
    // Assess
    expect(unknown).toEqual([]);
    expect(FAST_CASES.length).toBeGreaterThan(0);
  });

  it('when the case files are listed, then each case number belongs to one file', () => {
    // Prepare
    const files = caseFiles();
    // Act
    const numbers = files.map(({ number }) => number);
    // Assess: the report matches rows to case files by number.
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
