import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClient, SmscApiError } from '#client/index.ts';
import { ACCEPTED_ID, accepted202, json, useStandInApi } from './stand-in-api.ts';

// The API never redirects: a 3xx at the endpoint comes from something else there (a load balancer's
// http→https, a login or maintenance page). Followed, as fetch does by default, a 307/308 sends the
// message again to another host with SigV4's session token (fetch drops only Authorization across
// origins), and a 301/302/303 turns the POST into a GET whose JSON passed for the send's 202. The
// client refuses every 3xx at once, naming where it pointed.

describe('the typed client and a redirect from the endpoint', () => {
  const serve = useStandInApi();

  it('when a signed POST is answered 307 to another host, then nothing of it reaches that host', async () => {
    // Prepare
    const elsewhere: { headers: IncomingHttpHeaders; body: string }[] = [];
    const other = await serve(({ headers, body }) => {
      elsewhere.push({ headers, body });
      return accepted202();
    }, '127.0.0.2');
    const api = await serve(() => ({ status: 307, headers: { location: `${other}/v1/messages` } }));
    const client = createClient({
      endpoint: api,
      signing: 'sigv4',
      region: 'eu-central-1',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'fake-secret-access-key',
        sessionToken: 'fake-session-token',
      },
    });
    // Act
    const error = await client.send({ to: '+79991234567', text: 'hi' }).catch((caught: unknown) => caught);
    // Assess
    expect(elsewhere.map(({ headers }) => headers['x-amz-security-token'])).toEqual([]);
    expect(error).toMatchObject({ attempts: 1, problem: { status: 307, code: 'unexpected_response' } });
  });

  it.each([301, 302, 303, 308])(
    'when a POST /v1/messages is answered %i, then the send fails unretried, naming the Location and --endpoint',
    async (status) => {
      // Prepare: the redirect's target would answer a GET with JSON (a login page's)
      const requests: string[] = [];
      const api = await serve(({ method, url }) => {
        requests.push(`${method} ${url}`);
        return method === 'POST' ? { status, headers: { location: '/login' } } : json(200, { page: 'login' });
      });
      const client = createClient({ endpoint: api, backoff: { baseMs: 1, capMs: 2 } });
      // Act
      const error = await client.send({ to: '+79991234567', text: 'hi' }).catch((caught: unknown) => caught);
      // Assess
      expect(requests).toEqual(['POST /v1/messages']);
      expect(error).toBeInstanceOf(SmscApiError);
      expect(error).toMatchObject({ attempts: 1, problem: { status, code: 'unexpected_response' } });
      const { detail } = (error as SmscApiError).problem;
      expect(detail).toContain('redirects to /login');
      expect(detail).toContain('check --endpoint');
    },
  );

  it('when a read of a message is answered 302, then get fails unretried, the redirect not followed', async () => {
    // Prepare
    const requests: string[] = [];
    const api = await serve(({ method, url }) => {
      requests.push(`${method} ${url}`);
      return url === '/elsewhere'
        ? json(200, { id: ACCEPTED_ID })
        : { status: 302, headers: { location: '/elsewhere' } };
    });
    const client = createClient({ endpoint: api, backoff: { baseMs: 1, capMs: 2 } });
    // Act
    const error = await client.get(ACCEPTED_ID).catch((caught: unknown) => caught);
    // Assess
    expect(requests).toEqual([`GET /v1/messages/${ACCEPTED_ID}`]);
    expect(error).toMatchObject({ attempts: 1, problem: { status: 302, code: 'unexpected_response' } });
  });
});
