import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_ID,
  accepted202,
  json,
  type StandInAnswer,
  useStandInApi,
} from '#test/integration/client/stand-in-api.ts';
import { useCli } from './cli-process.ts';

// `send --wait` after the 202, when the reads of the message fail (a 503 outlasting the client's
// retries, a 404): the message was accepted, and the output must say so, with its id and key, so that
// neither a script nor a user takes the failure for a failed send and sends a second message.

const unavailable503 = (): StandInAnswer =>
  json(503, {
    type: 'tag:smsc-aws-sender,2025:problems/repository_unavailable',
    title: 'Service temporarily unavailable',
    status: 503,
    detail: 'Storage is unavailable; try again shortly.',
    code: 'repository_unavailable',
  });

const notFound404 = (): StandInAnswer =>
  json(404, {
    type: 'tag:smsc-aws-sender,2025:problems/not_found',
    title: 'Not found',
    status: 404,
    detail: 'No such message.',
    code: 'not_found',
  });

describe('smsc-sender send --wait when the reads fail after the 202', () => {
  const serve = useStandInApi();
  let url = 'http://127.0.0.1:9';
  const cli = useCli(() => url);

  it('when every read answers 503 with --json, then stdout is the accepted answer with its waitError, and the exit 1', async () => {
    // Prepare: the POST accepted, every read of the message 503
    url = await serve(({ method }) => (method === 'POST' ? accepted202() : unavailable503()));
    // Act
    const run = cli([
      '--json',
      'send',
      '--to',
      '+79991234567',
      '--text',
      'hi',
      '--wait',
      '--idempotency-key',
      'key-1',
    ]);
    const code = await run.exited;
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: ACCEPTED_ID,
      status: 'accepted',
      idempotencyKey: 'key-1',
      waitError: { status: 503, code: 'repository_unavailable' },
    });
    expect(run.stderr).toContain(`message ${ACCEPTED_ID} WAS accepted`);
    expect(run.stderr).toContain(`smsc-sender status ${ACCEPTED_ID}`);
  }, 30_000);

  it('when the read answers 404, then stderr says the message was accepted, its id and key, and not to send it again', async () => {
    // Prepare
    url = await serve(({ method }) => (method === 'POST' ? accepted202() : notFound404()));
    // Act
    const run = cli(['send', '--to', '+79991234567', '--text', 'hi', '--wait', '--idempotency-key', 'key-2']);
    const code = await run.exited;
    // Assess
    expect(code).toBe(1);
    expect(run.stdout).toContain(`${ACCEPTED_ID} accepted`);
    expect(run.stderr).toContain('error: 404 not_found');
    expect(run.stderr).toContain(`message ${ACCEPTED_ID} WAS accepted (--idempotency-key key-2)`);
    expect(run.stderr).toContain(`smsc-sender status ${ACCEPTED_ID}`);
    expect(run.stderr).toContain('do not send it again');
  });
});
