import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { json, useStandInApi } from '#test/integration/client/stand-in-api.ts';
import { useCli } from './cli-process.ts';

// An endpoint that redirects (the API never does): a POST answered 302 to a page whose GET answers
// JSON. Followed, `send` printed "undefined undefined" and exited 0, and `batch` journalled every row
// as sent with no id and exited 0: nothing was sent, and a rerun skipped the rows for good.

describe('smsc-sender at an endpoint that redirects', () => {
  const serve = useStandInApi();
  let url = 'http://127.0.0.1:9';
  const cli = useCli(() => url);
  const dir = mkdtempSync(join(tmpdir(), 'smsc-redirects-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A POST answered 302 to /login, whose GET answers 200 JSON (a login or maintenance page). */
  const redirectingApi = () =>
    serve(({ method }) =>
      method === 'POST' ? { status: 302, headers: { location: '/login' } } : json(200, { page: 'login' }),
    );

  it('when every row is answered 302, then batch stops with exit 1, journals no row and names the Location', async () => {
    // Prepare
    url = await redirectingApi();
    const csv = join(dir, 'mailing.csv');
    writeFileSync(csv, 'to,text\n+79991234561,a\n+79991234562,b\n');
    // Act
    const run = cli(['batch', '--csv', csv]);
    const code = await run.exited;
    // Assess
    const journalled = readFileSync(`${csv}.progress.jsonl`, 'utf8').trim().split('\n').slice(1);
    expect({ code, journalled }).toEqual({ code: 1, journalled: [] });
    expect(run.stderr).toContain('302 unexpected_response');
    expect(run.stderr).toContain('/login');
  });

  it('when the send is answered 302, then send exits 1 saying where it pointed, with no undefined id', async () => {
    // Prepare
    url = await redirectingApi();
    // Act
    const run = cli(['send', '--to', '+79991234567', '--text', 'hi']);
    const code = await run.exited;
    // Assess: a redirect was not followed, nothing taken: no resend hint
    expect(code).toBe(1);
    expect(run.stdout).not.toContain('undefined');
    expect(run.stderr).toContain('error: 302 unexpected_response');
    expect(run.stderr).toContain('redirects to /login');
    expect(run.stderr).toContain('check --endpoint');
    expect(run.stderr).not.toContain('--idempotency-key');
  });
});
