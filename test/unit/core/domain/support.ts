import type { z } from 'zod';
import { DomainError } from '#core/domain/errors.ts';
import { type ValidationIssue, validate } from '#core/domain/requests/validation-issues.ts';

/** The formatted issues of an input the schema must refuse. */
export function issuesOf(schema: z.ZodType, input: unknown): ValidationIssue[] {
  const result = validate(schema, input);
  if (result.success) throw new Error(`Expected the input to be refused, got ${JSON.stringify(result.data)}`);
  return result.issues;
}

/** code and path only: what callers program against. */
export function codesOf(schema: z.ZodType, input: unknown): Array<Pick<ValidationIssue, 'code' | 'path'>> {
  return issuesOf(schema, input).map(({ code, path }) => ({ code, path }));
}

/** The DomainError `act` throws. */
export function domainErrorOf(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('Expected a DomainError, nothing was thrown');
}
