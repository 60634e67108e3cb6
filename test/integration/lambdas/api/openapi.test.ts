import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemOf, useApiHarness } from '#test/helpers/api/api-harness.ts';

// The local API serves the same OpenAPI document as docs/openapi.json, and its examples are what the
// real API answers.

const written = JSON.parse(
  readFileSync(new URL('../../../../docs/openapi.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

interface Operation {
  responses: Record<
    string,
    { content?: Record<string, { examples?: Record<string, { value: Record<string, unknown> }> }> }
  >;
}

/** The example the document shows for a route's problem code. */
function documented(path: string, method: string, status: number, code: string): Record<string, unknown> {
  const paths = written.paths as Record<string, Record<string, Operation>>;
  const example =
    paths[path]?.[method]?.responses[String(status)]?.content?.['application/problem+json']?.examples?.[code];
  if (!example) throw new Error(`no ${code} example for ${method.toUpperCase()} ${path} ${status}`);
  return example.value;
}

const MESSAGE_ID = '01M89PNMZR2HR54Q7H2NGA9838';

describe('GET /openapi.json on the local API', () => {
  const harness = useApiHarness();

  it('when the document is fetched, then it is docs/openapi.json', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.get('/openapi.json');
    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(written);
  });

  it('when a request is refused, then its problem has the documented example’s members', async () => {
    // Prepare
    const api = await harness.start();
    const paths = written.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    const documented = paths['/v1/messages']?.post?.responses['400'] as {
      content: Record<string, { examples: Record<string, { value: Record<string, unknown> }> }>;
    };
    const example = documented.content['application/problem+json']?.examples.validation_failed?.value;
    // Act
    const response = await api.post('/v1/messages', { to: '12', text: 'x' });
    const body = (await response.json()) as Record<string, unknown>;
    // Assess
    expect(response.status).toBe(400);
    expect(Object.keys(body).sort()).toEqual(Object.keys(example ?? {}).sort());
    expect(body).toMatchObject({ code: 'validation_failed', type: example?.type });
  });

  describe('when a route refuses a request, then its answer is the example the document shows for that route', () => {
    it.each([
      ['/v1/messages', { to: '+79991234567', text: 'x'.repeat(100 * 1024) }],
      ['/v1/batches', { to: ['+79991234567'], text: 'x'.repeat(300 * 1024) }],
    ])('when POST %s has a body over its limit, then the 413 is the documented one', async (path, body) => {
      // Prepare
      const api = await harness.start();
      // Act
      const answer = await problemOf(await api.post(path, body));
      // Assess: before, both documented 84 KiB; the routes answer 85 KiB and 256 KiB.
      expect(answer.code).toBe('payload_too_large');
      expect(answer).toEqual(documented(path, 'post', 413, 'payload_too_large'));
    });

    it.each([
      ['/v1/messages', 'post', '/v1/messages'],
      ['/v1/batches', 'post', '/v1/batches'],
      ['/v1/messages/{id}', 'get', `/v1/messages/${MESSAGE_ID}`],
      ['/v1/batches/{id}', 'get', `/v1/batches/b_${MESSAGE_ID}`],
    ])('when DELETE %s is refused, then the 405 is the documented one', async (path, method, url) => {
      // Prepare
      const api = await harness.start();
      // Act
      const response = await fetch(api.url + url, { method: 'DELETE' });
      const answer = await problemOf(response);
      // Assess: before, every path documented "allowed: GET, HEAD", the POST paths included.
      expect(answer).toEqual(documented(path, method, 405, 'method_not_allowed'));
      expect(answer.detail).toContain(`allowed: ${response.headers.get('allow')}.`);
    });

    it.each([
      ['/v1/messages/{id}', 'not-an-id', 400, 'invalid_id'],
      ['/v1/batches/{id}', MESSAGE_ID, 400, 'invalid_id'],
      ['/v1/messages/{id}', MESSAGE_ID, 404, 'not_found'],
      ['/v1/batches/{id}', `b_${MESSAGE_ID}`, 404, 'not_found'],
    ])('when GET %s is given %s, then the %i is the documented one', async (path, id, status, code) => {
      // Prepare
      const api = await harness.start();
      // Act
      const response = await api.get(path.replace('{id}', id));
      const answer = await problemOf(response);
      // Assess: before, the batch path documented the message path's words ("a message id", "No message").
      expect(response.status).toBe(status);
      expect(answer).toEqual(documented(path, 'get', status, code));
    });

    it('when a batch gives one number as `to`, then the 400 is the documented validation_failed', async () => {
      // Prepare
      const api = await harness.start();
      // Act
      const answer = await problemOf(await api.post('/v1/batches', { to: '12', text: 'x' }));
      // Assess: before, the message route's invalid_phone_number at ["to"], which no batch answers (a
      // bad recipient in the list is rejected per entry, at ["to", 0]).
      expect(answer).toEqual(documented('/v1/batches', 'post', 400, 'validation_failed'));
    });
  });
});
