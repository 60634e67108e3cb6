import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendCommand } from '#cli/commands/send.ts';
import { CALLBACK_QUEUE } from '#core/aws/resources/resource-definitions.ts';
import { submitUnconfirmedError } from '#core/domain/messages/message-model.ts';
import { partsNotSentError } from '#core/domain/receipts/part-outcomes.ts';
import { contentFields } from '#core/domain/requests/message-schema.ts';
import { PROJECT_ROOT } from '../../../cdk/paths.ts';

// What the docs promise a reader, held to the code: the files they name, the CLI's options, the
// callback retries.

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

const DOCS = [
  'README.md',
  'docs/architecture.md',
  'docs/operations.md',
  'docs/configuration.md',
  'docs/accounts.md',
  'docs/events.md',
  'docs/deploy.md',
  'lambdas/api/README.md',
  'local/smsc-simulator/README.md',
  'client/README.md',
];

const kebab = (field: string) => `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

describe('the docs against the code', () => {
  it('when a doc names a repository file by its full path in backticks, then that file exists', () => {
    // Prepare: paths from the repository root (core/…, bind-service/…, …), as a reader would open them.
    const root =
      /`((?:core|bind-service|lambdas|local|cdk|cli|client|test|bench|scripts|examples|docs|patches)\/[A-Za-z0-9_./+-]+)`/g;
    // Act
    const missing = DOCS.flatMap((doc) =>
      [...read(doc).matchAll(root)]
        .map((match) => (match[1] ?? '').replace(/\/$/, ''))
        .filter((path) => !existsSync(join(PROJECT_ROOT, path)))
        .map((path) => `${doc}: ${path}`),
    );
    // Assess: before, architecture.md ("Monotonic states") named core/domain/message-state.ts.
    expect(missing).toEqual([]);
  });

  it('when README says every API field is a `send` option, then each send field has its option', () => {
    // Prepare
    const readme = read('README.md');
    const promise = readme.includes('one message; every API field is an option');
    const fields = Object.keys(contentFields('urgent'));
    // Act
    const options = new Set(sendCommand().options.map((option) => option.long));
    const without = fields.filter((field) => !options.has(kebab(field)));
    // Assess: before, `send` offered `--encoding binary` but no `--udh`.
    expect(promise).toBe(true);
    expect(without).toEqual([]);
  });

  it('when README says how often a failing callback receiver is tried, then it is the callback queue’s attempts', () => {
    // Prepare: the callback queue's maxReceiveCount is the number of attempts (docs/events.md:
    // "After attempt 8 fails the job moves to the callbacks dead-letter queue").
    const readme = read('README.md').replace(/\s+/g, ' ');
    const attempts = CALLBACK_QUEUE.maxReceiveCount;
    // Act
    const said = /a failing receiver is tried up to (\d+) times \((\d+) retries/.exec(readme);
    // Assess: before, it said "retried … up to 8 times": 8 attempts are 7 retries.
    expect([Number(said?.[1]), Number(said?.[2])]).toEqual([attempts, attempts - 1]);
  });

  it('when the bind-service writes an error code of its own after a submit, then docs/events.md names it', () => {
    // Prepare: the string codes on `unknown` and `undelivered` (the others are refusals before any submit).
    const codes = [submitUnconfirmedError('').code, partsNotSentError(1, 2).code];
    // Act
    const unnamed = codes.filter((code) => !read('docs/events.md').includes(`${code}`));
    // Assess: parts_not_sent was missing, and the schema limited string codes to refusals.
    expect(unnamed).toEqual([]);
    expect(read('docs/events/message-status-changed.schema.json')).not.toContain(
      'refusals before any submit',
    );
  });
});
