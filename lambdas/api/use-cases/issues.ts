import { DomainError } from '#core/domain/errors.ts';
import type { ValidationIssue } from '#core/domain/requests/validation-issues.ts';

// ValidationIssues for refusals that do not come from zod (prepareMessage's DomainErrors) and for
// issues moved under another path (a batch entry's own issue, reported at its place in the batch).
// Messages follow formatValidationIssues' form: the field's label, ": ", what is wrong.

export type IssuePath = (string | number)[];

/** "messages[2].to"; "request" for the whole body. */
export function fieldLabel(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'request';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`))
    .join('');
}

/** The issue of a DomainError thrown while preparing, or undefined for any other error (a bug). */
export function domainIssue(error: unknown, prefix: IssuePath = []): ValidationIssue | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const path = [...prefix, ...error.path];
  return { code: error.code, path, message: `${fieldLabel(path)}: ${error.message}` };
}

/** The same issue reported at another path, its message relabelled to match. */
export function moveIssue(issue: ValidationIssue, path: IssuePath): ValidationIssue {
  const oldLabel = `${fieldLabel(issue.path)}: `;
  const detail = issue.message.startsWith(oldLabel) ? issue.message.slice(oldLabel.length) : issue.message;
  return { code: issue.code, path, message: `${fieldLabel(path)}: ${detail}` };
}
