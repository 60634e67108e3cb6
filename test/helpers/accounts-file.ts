import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
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

/** ACCOUNT_QUEUES for accounts other than the default: each one's queue pair and its dead-letter queues. */
export function accountQueuesJson(pairs: Record<string, QueueNames | undefined>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(pairs).map(([name, queues]) => [
        name,
        {
          urgent: queues?.urgent,
          bulk: queues?.bulk,
          urgentDlq: queues?.urgentDlq,
          bulkDlq: queues?.bulkDlq,
        },
      ]),
    ),
  );
}
