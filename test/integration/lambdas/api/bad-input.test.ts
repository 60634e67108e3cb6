import { describe, expect, it } from 'vitest';
import { problemOf, useApiHarness } from '#test/helpers/api/api-harness.ts';

// Every kind of bad request gets a 4xx problem+json with a machine-readable code (and the field's path
// where a field is at fault), and leaves nothing behind: no record, no idempotency item, no queue message.

import { BAD_INPUT_CASES as cases, MOBILE } from './bad-input-cases.ts';

describe('API bad input (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it.each(cases)(
    'when the request has $name, then $status $code and nothing is stored or enqueued',
    async (badCase) => {
      // Prepare
      const api = await harness.start(badCase.env ? { env: badCase.env } : {});
      // Act
      const response = await badCase.send(api);
      // Assess
      expect(response.status).toBe(badCase.status);
      const problem = await problemOf(response);
      expect(problem).toMatchObject({
        status: badCase.status,
        code: badCase.code,
        type: expect.stringContaining(badCase.code),
      });
      expect(problem.title).toEqual(expect.any(String));
      expect(problem.detail).toEqual(expect.any(String));
      if (badCase.errors) {
        expect(problem.errors?.map(({ code, path }) => ({ code, path }))).toEqual(badCase.errors);
        for (const error of problem.errors ?? []) {
          expect(error.message).toEqual(expect.any(String));
          // Its field is named once: "callbackUrl: callbackUrl: names this host" named it twice
          expect(error.message).not.toMatch(/^([\w.[\]]+): \1:/);
        }
      }
      expect(await harness.items(api.tables.messages, '')).toEqual([]);
      expect(await harness.drain(api.queues.urgent)).toEqual([]);
      expect(await harness.drain(api.queues.bulk)).toEqual([]);
      expect(api.logs).toEqual([
        expect.objectContaining({ level: 'warn', status: badCase.status, code: badCase.code }),
      ]);
    },
  );

  it('when the text carries a character that is not allowed, then the error names it and its position', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Hello\u0007 and \uFFFF' });
    // Assess: the first such character, with its UTF-16 index as JavaScript counts it
    expect(response.status).toBe(400);
    const [error] = (await problemOf(response)).errors ?? [];
    expect(error).toMatchObject({ code: 'invalid_character', path: ['text'] });
    expect(error?.message).toMatch(/^text: .*U\+0007.*index 5/);
  });

  it('when a route does not exist, then 404 not_found problem', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.get('/v1/nothing-here');
    // Assess
    expect(response.status).toBe(404);
    expect(await problemOf(response)).toMatchObject({ code: 'not_found' });
    expect(api.logs).toEqual([expect.objectContaining({ route: 'unmatched', status: 404 })]);
  });

  it('when a route is called with the wrong method, then 405 with an Allow header', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const onCollection = await fetch(`${api.url}/v1/messages`, { method: 'GET' });
    const onItem = await fetch(`${api.url}/v1/messages/01J00000000000000000000000`, { method: 'DELETE' });
    // Assess
    expect(onCollection.status).toBe(405);
    expect(onCollection.headers.get('allow')).toBe('POST');
    expect(await problemOf(onCollection)).toMatchObject({ code: 'method_not_allowed' });
    expect(onItem.status).toBe(405);
    expect(onItem.headers.get('allow')).toBe('GET, HEAD');
  });
});
