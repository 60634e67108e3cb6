import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANTI_LOOP_ERRORS } from '#core/domain/provider/anti-loop.ts';
import { EMAIL_SENDER_RULE, SENDER_ID_RULE } from '#core/domain/requests/sender-id.ts';
import { ALLOWED_METHODS } from '#lambdas/api/app.ts';
import { PROBLEM_CODES } from '#lambdas/api/http/problem-catalogue.ts';
import { openApiDocument, openApiText } from '#lambdas/api/openapi/document.ts';

// docs/openapi.json is generated (`npm run openapi`); these tests fail when it, the routes or the
// problem codes the API answers with drift apart.

const root = new URL('../../../../../', import.meta.url).pathname;

interface Operation {
  responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.includes('problem-catalogue') ? [path] : [];
  });
}

const ANTI_LOOP_CODES = Object.values(ANTI_LOOP_ERRORS).map((error) => error.code);

describe('the OpenAPI document', () => {
  it('when it is generated, then docs/openapi.json is the same (else run npm run openapi)', () => {
    // Prepare
    const written = readFileSync(join(root, 'docs/openapi.json'), 'utf8');
    // Act
    const generated = openApiText();
    // Assess
    expect(written).toBe(generated);
  });

  it('when the app answers a path and method, then the document has that operation', () => {
    // Prepare
    const { paths } = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
    // Act
    const documented = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const answered = Object.entries(ALLOWED_METHODS).flatMap(([path, allow]) =>
      allow.split(', ').map((method) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`),
    );
    // Assess
    expect(documented.sort()).toEqual(answered.sort());
  });

  it('when the API source answers a problem code, then the catalogue has it and the document shows an example', () => {
    // Prepare
    const source = sourceFiles(join(root, 'lambdas/api'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const { paths } = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
    // Act
    const used = new Set([
      ...[...source.matchAll(/status: \d{3},\s*code: '([a-z0-9_]+)'/g)].map((match) => match[1]),
      ...[...source.matchAll(/serviceUnavailableProblem\(\s*'([a-z0-9_]+)'/g)].map((match) => match[1]),
      ...[...source.matchAll(/cataloguedProblem\('([a-z0-9_]+)'\)/g)].map((match) => match[1]),
      // The anti-loop answers take their code from the provider's rules.
      ...[...source.matchAll(/antiLoopProblem\(/g)].flatMap(() => ANTI_LOOP_CODES),
    ]);
    const exemplified = new Set(
      Object.values(paths)
        .flatMap((operations) => Object.values(operations))
        .flatMap((operation) => Object.values(operation.responses))
        .flatMap((response) => Object.keys(response.content?.['application/problem+json']?.examples ?? {})),
    );
    // Assess
    expect([...used].sort()).toEqual([...PROBLEM_CODES].sort());
    expect([...exemplified].sort()).toEqual([...PROBLEM_CODES].sort());
  });

  it('when a batch answers 503, then its examples name the batch, not a message', () => {
    // Prepare
    const { paths } = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
    const examples = paths['/v1/batches']?.post?.responses['503']?.content?.['application/problem+json']
      ?.examples as Record<string, { value: Record<string, unknown> }>;
    // Act
    const named = Object.fromEntries(
      ['enqueue_failed', 'store_outcome_unknown'].map((code) => [
        code,
        Object.keys(examples[code]?.value ?? {}),
      ]),
    );
    // Assess: before, the batch showed the single message's example (messageId, "the same
    // Idempotency-Key is fine", a key batches refuse).
    for (const keys of Object.values(named)) {
      expect(keys).toContain('batchId');
      expect(keys).not.toContain('messageId');
    }
    expect(JSON.stringify(examples.enqueue_failed?.value)).not.toMatch(/Idempotency-Key/);
  });

  it('when the document describes `from`, then it states the rule the API applies', () => {
    // Prepare
    const { components } = openApiDocument() as {
      components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> };
    };
    // Act
    const described = components.schemas.SendMessage?.properties.from?.description ?? '';
    // Assess: before, "or a number of up to 15 digits", which the API refuses without "+".
    expect(described).toBe(`sender id: ${SENDER_ID_RULE.replace(/^must be /, '')}; or ${EMAIL_SENDER_RULE}`);
    expect(described).toContain('"+" and an international number of up to 15 digits');
  });
});
