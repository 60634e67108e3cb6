import { describe, expect, it } from 'vitest';
import { useStandInApi } from '#test/integration/client/stand-in-api.ts';
import { useCli } from './cli-process.ts';

// A 2xx to `send` whose body cannot be read as the API's answer (a proxy's page, a body mangled on
// the way): the 2xx says the message was taken, so the error names the --idempotency-key that
// resends it without a second message, as after no answer or a 5xx.

describe('smsc-sender send answered 2xx with a body that is not the API’s', () => {
  const serve = useStandInApi();
  let url = 'http://127.0.0.1:9';
  const cli = useCli(() => url);

  it.each([
    ['not JSON', 'text/html', '<html><body>Accepted</body></html>'],
    ['JSON without the message id', 'application/json', '{"accepted":true}'],
  ])(
    'when the 202 is %s, then the error names the key that resends it without a second message',
    async (_what, contentType, body) => {
      // Prepare
      const keys: string[] = [];
      url = await serve(({ headers }) => {
        keys.push(String(headers['idempotency-key']));
        return { status: 202, headers: { 'content-type': contentType }, body };
      });
      // Act
      const run = cli(['send', '--to', '+79991234567', '--text', 'hi']);
      const code = await run.exited;
      // Assess: a failure, and the key the message went with
      expect(code).toBe(1);
      expect(keys).toHaveLength(1);
      expect(run.stderr).toContain('202 unexpected_response');
      expect(run.stderr).toContain(`--idempotency-key ${keys[0]}`);
      expect(run.stdout).not.toContain('undefined');
    },
  );
});
