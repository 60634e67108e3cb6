import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
