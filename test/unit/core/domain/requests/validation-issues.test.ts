import { describe, expect, it } from 'vitest';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { formatValidationIssues } from '#core/domain/requests/validation-issues.ts';

describe('formatValidationIssues', () => {
  it('when given the input, then a missing field is told apart from a wrong type', () => {
    // Prepare
    const input = { text: 5 };
    const error = sendMessageSchema.safeParse(input).error!;
    // Act
    const issues = formatValidationIssues(error, input);
    // Assess
    expect(issues.map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'required', path: ['to'] },
      { code: 'invalid_type', path: ['text'] },
    ]);
  });

  it('when given only the error, then a missing field is still reported as required', () => {
    // Prepare
    const error = sendMessageSchema.safeParse({ text: 'Hello' }).error!;
    // Act
    const issues = formatValidationIssues(error);
    // Assess
    expect(issues).toEqual([{ code: 'required', path: ['to'], message: 'to: is required' }]);
  });
});
