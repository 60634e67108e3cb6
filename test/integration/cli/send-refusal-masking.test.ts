import { describe, expect, it } from 'vitest';
import { json, useStandInApi } from '#test/integration/client/stand-in-api.ts';
import { useCli } from './cli-process.ts';

// The API's refusals quote the number ('"+74951234567" is a fixed-line number'). `send` prints them
// with phone numbers masked, as `batch` and the logs do (docs/architecture.md: maskDigits masks for
// every log, the CLI and the simulator).

const fixedLine = (number: string) => `to: "${number}" is a fixed-line number: it cannot receive SMS`;

describe('smsc-sender send and the numbers the API’s refusal quotes', () => {
  const serve = useStandInApi();
  let url = 'http://127.0.0.1:9';
  const cli = useCli(() => url);

  it('when a 400 validation_failed quotes the recipient, then stderr shows it masked', async () => {
    // Prepare
    const message = fixedLine('+74951234567');
    url = await serve(() =>
      json(400, {
        type: 'tag:smsc-aws-sender,2025:problems/validation_failed',
        title: 'Request validation failed',
        status: 400,
        detail: message,
        code: 'validation_failed',
        errors: [{ code: 'not_mobile', path: ['to'], message }],
      }),
    );
    // Act
    const run = cli(['send', '--to', '+74951234567', '--text', 'hi']);
    const code = await run.exited;
    // Assess
    expect(code).toBe(1);
    expect(run.stderr).toContain('validation_failed');
    expect(run.stderr).toContain('+7495*****67');
    expect(run.stderr).not.toContain('74951234567');
  });

  it('when the refusal lists several issues quoting numbers, then each is shown masked', async () => {
    // Prepare
    url = await serve(() =>
      json(400, {
        type: 'tag:smsc-aws-sender,2025:problems/validation_failed',
        title: 'Request validation failed',
        status: 400,
        detail: 'The request has 2 problems.',
        code: 'validation_failed',
        errors: [
          { code: 'not_mobile', path: ['to'], message: fixedLine('+74951234567') },
          { code: 'invalid_sender', path: ['from'], message: '"79161234567" is not a sender id' },
        ],
      }),
    );
    // Act
    const run = cli(['send', '--to', '+74951234567', '--from', '79161234567', '--text', 'hi']);
    const code = await run.exited;
    // Assess
    expect(code).toBe(1);
    expect(run.stderr).toContain('(not_mobile)');
    expect(run.stderr).toContain('(invalid_sender)');
    expect(run.stderr).not.toMatch(/74951234567|79161234567/);
  });
});
