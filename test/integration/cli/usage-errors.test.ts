import { describe, expect, it } from 'vitest';
import { within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// Counts and the endpoint given on the command line are checked before anything runs: a value that
// is not a whole number in range, or an endpoint that is no http(s) URL, is a usage error naming the
// option (exit 2), not a NaN the command runs with (`dlq redrive --max abc` moved nothing and said so
// with exit 0; `tail --count abc` never stopped).
// Nothing listens at the endpoint: no command may get as far as calling it.

describe('smsc-sender option values', () => {
  const cli = useCli(() => 'http://127.0.0.1:1');

  it.each([
    [['dlq', 'redrive', 'some-dlq', '--max', 'abc'], '--max must be a whole number >= 1 (got "abc")'],
    [['dlq', 'redrive', 'some-dlq', '--max', '0'], '--max must be a whole number >= 1 (got "0")'],
    [['tail', '--count', 'abc'], '--count must be a whole number >= 1 (got "abc")'],
    [['tail', '--count', '2.5'], '--count must be a whole number >= 1 (got "2.5")'],
    [['batch', '--csv', 'mailing.csv', '--rate', '-1'], '--rate must be a whole number >= 0 (got "-1")'],
    // The local stack's address as people type it, without http://: before, "no AWS region for : …"
    // and "Invalid URL", both exit 1.
    ...['localhost:3000', '127.0.0.1:3000'].map((endpoint): [string[], string] => [
      ['--endpoint', endpoint, 'status', '01M89PNMZR2HR54Q7H2NGA9838'],
      `--endpoint (or SMSC_ENDPOINT) must be the API's http:// or https:// URL, e.g. http://localhost:3000 or a deployed stack's https://….execute-api.….amazonaws.com/prod (got "${endpoint}")`,
    ]),
  ])('when %j is run, then it is refused as a usage error', async (args, message) => {
    // Prepare
    const run = cli(args);
    // Act
    const code = await within(run.exited, 20_000, `${args.join(' ')} to end`);
    // Assess
    expect({ code, stderr: run.stderr.trim(), stdout: run.stdout }).toEqual({
      code: 2,
      stderr: `error: ${message}`,
      stdout: '',
    });
  });

  it.each([
    [
      ['send', '--to', '+79991234567', '--text', 'hi', '--no-such-option'],
      "unknown option '--no-such-option'",
    ],
    [['send', '--to', '+79991234567', '--text', 'hi', '--kind', 'fax'], "'fax' is invalid"],
    [['dlq', 'redrive'], "missing required argument 'queue'"],
    [['sned'], "unknown command 'sned'"],
    [['dlq'], 'Usage: smsc-sender dlq'],
  ])(
    'when commander refuses %j, then the exit status is 2, a usage error, as README says',
    async (args, message) => {
      // Prepare
      const run = cli(args);
      // Act
      const code = await within(run.exited, 20_000, `${args.join(' ')} to end`);
      // Assess: before, commander's own refusals exited 1, what a failed request exits with
      expect({ code, refused: run.stderr.includes(message) }).toEqual({ code: 2, refused: true });
    },
  );

  it('when --help is asked for, then the exit status is 0', async () => {
    // Act
    const run = cli(['send', '--help']);
    const code = await within(run.exited, 20_000, 'send --help to end');
    // Assess
    expect({ code, usage: run.stdout.includes('Usage: smsc-sender send') }).toEqual({ code: 0, usage: true });
  });
});
