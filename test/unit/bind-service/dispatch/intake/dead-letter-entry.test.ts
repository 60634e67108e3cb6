import { describe, expect, it } from 'vitest';
import { BODY_TRUNCATED_FROM, deadLetterEntry } from '#bind-service/dispatch/intake/dead-letter-entry.ts';

// The size SQS counts: the body's UTF-8 bytes plus each attribute's name, data type ("String") and
// value; an empty value is not sent (SqsLane.deadLetter).
function sqsSize(entry: { body: string; attributes: Record<string, string> }): number {
  return Object.entries(entry.attributes).reduce(
    (bytes, [name, value]) =>
      value === '' ? bytes : bytes + Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value),
    Buffer.byteLength(entry.body),
  );
}

describe('deadLetterEntry', () => {
  it('when the body and its reason fit, then both go as they are', () => {
    // Act
    const entry = deadLetterEntry('not json', { errorCode: 'invalid_json' }, 1_000);
    // Assess
    expect(entry).toEqual({ body: 'not json', attributes: { errorCode: 'invalid_json' } });
  });

  it('when the body fills the limit, then it is cut so body and attributes fit, and marked with its size', () => {
    // Prepare
    const body = 'x'.repeat(1_000);
    // Act
    const entry = deadLetterEntry(body, { errorCode: 'invalid_json', emptyOne: '' }, 1_000);
    // Assess
    expect(entry.attributes[BODY_TRUNCATED_FROM]).toBe('1000');
    expect(sqsSize(entry)).toBeLessThanOrEqual(1_000);
    expect(body.startsWith(entry.body)).toBe(true);
  });

  it('when the cut falls inside a character, then the whole character is left out', () => {
    // Prepare: "ж" takes 2 bytes in UTF-8
    const body = 'ж'.repeat(500);
    // Act
    const entry = deadLetterEntry(body, { errorCode: 'invalid_json' }, 600);
    // Assess
    expect(entry.body).toMatch(/^ж+$/);
    expect(sqsSize(entry)).toBeLessThanOrEqual(600);
    expect(sqsSize(entry)).toBeGreaterThan(597);
  });
});
