import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { AccountEntryInput } from '#core/domain/accounts/account-schema.ts';

// An SMPP_ACCOUNTS file in a temp directory, removed after the test file. Passwords are fake.

export function useAccountsFile(): (entries: readonly AccountEntryInput[]) => string {
  const dir = mkdtempSync(join(tmpdir(), 'accounts-'));
  let count = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (entries) => {
    count += 1;
    const file = join(dir, `accounts-${count}.json`);
    writeFileSync(file, JSON.stringify(entries));
    return file;
  };
}
