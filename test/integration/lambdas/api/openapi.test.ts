import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useApiHarness } from '#test/helpers/api/api-harness.ts';

// The local API serves the same OpenAPI document as docs/openapi.json, and its examples are what the
// real API answers.

const written = JSON.parse(
  readFileSync(new URL('../../../../docs/openapi.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

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
});
