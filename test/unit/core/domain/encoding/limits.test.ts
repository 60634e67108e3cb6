import { describe, expect, it } from 'vitest';
import {
  EmptyTextError,
  encodeMessage,
  planMessage,
  TooManyPartsError,
} from '#core/domain/encoding/index.ts';
import { DomainError } from '#core/domain/errors.ts';

describe('message limits', () => {
  it('when the text is empty, then encodeMessage and planMessage throw EmptyTextError', () => {
    // Prepare
    const text = '';
    // Act
    const encode = () => encodeMessage(text);
    const plan = () => planMessage(text);
    // Assess
    expect(encode).toThrow(EmptyTextError);
    expect(plan).toThrow(expect.objectContaining({ code: 'empty_text', name: 'EmptyTextError' }));
  });

  it('when a GSM text fills exactly 10 parts, then it is accepted by default', () => {
    // Prepare
    const text = 'a'.repeat(1530);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded.parts).toHaveLength(10);
    expect(encoded.parts[9]![4]).toBe(10);
    expect(encoded.parts[9]![5]).toBe(10);
  });

  it('when a GSM text needs 11 parts, then TooManyPartsError says how many and the maximum', () => {
    // Prepare
    const text = 'a'.repeat(1531);
    // Act
    let error: unknown;
    try {
      encodeMessage(text);
    } catch (caught) {
      error = caught;
    }
    // Assess
    expect(error).toBeInstanceOf(TooManyPartsError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'too_many_parts',
      parts: 11,
      maxParts: 10,
      message: 'Text needs 11 parts, more than the maximum of 10',
    });
  });

  it('when maxParts is 1 and the text needs 2, then planMessage throws TooManyPartsError', () => {
    // Prepare
    const text = 'я'.repeat(71);
    // Act
    const act = () => planMessage(text, { maxParts: 1 });
    // Assess
    expect(act).toThrow(expect.objectContaining({ parts: 2, maxParts: 1 }));
  });

  it('when maxParts is raised, then a longer text is accepted', () => {
    // Prepare
    const text = 'я'.repeat(67 * 20);
    // Act
    const plan = planMessage(text, { maxParts: 20 });
    // Assess
    expect(plan.parts).toBe(20);
  });

  it.each([0, 256, 2.5])('when maxParts is %s, then a RangeError says it is out of range', (maxParts) => {
    // Prepare
    const options = { maxParts };
    // Act
    const act = () => planMessage('hello', options);
    // Assess
    expect(act).toThrow(RangeError);
  });
});
