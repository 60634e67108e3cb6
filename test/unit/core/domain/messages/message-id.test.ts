import { describe, expect, it } from 'vitest';
import {
  isBatchId,
  isMessageId,
  messageIdGenerator,
  messageIdTime,
  newBatchId,
  newMessageId,
} from '#core/domain/messages/message-id.ts';

const CROCKFORD_ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

describe('message ids', () => {
  it('when an id is made, then it is 26 URL-safe Crockford base32 characters', () => {
    // Prepare
    const now = Date.now();
    // Act
    const id = newMessageId(now);
    // Assess
    expect(id).toHaveLength(26);
    expect(id).toMatch(CROCKFORD_ULID);
    expect(encodeURIComponent(id)).toBe(id);
    expect(isMessageId(id)).toBe(true);
  });

  it('when an id is made, then its first 10 characters encode the time', () => {
    // Prepare
    const now = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const generate = messageIdGenerator();
    // Act
    const id = generate(now);
    // Assess
    expect(messageIdTime(id)).toBe(now);
  });

  it('when ids are made at later times, then they sort in time order as strings', () => {
    // Prepare
    const start = Date.UTC(2030, 0, 1);
    const times = [start, start + 1, start + 999, start + 86_400_000, start + 10 ** 10];
    const generate = messageIdGenerator();
    // Act
    const ids = times.map((time) => generate(time));
    // Assess
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when many ids are made in the same millisecond, then each sorts after the one before', () => {
    // Prepare
    const now = Date.UTC(2031, 5, 6);
    const generate = messageIdGenerator();
    // Act
    const ids = Array.from({ length: 1000 }, () => generate(now));
    // Assess
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => messageIdTime(id) === now)).toBe(true);
  });

  it('when the clock steps back, then the next id still sorts after the last one', () => {
    // Prepare
    const now = Date.UTC(2032, 0, 1);
    const generate = messageIdGenerator();
    const before = generate(now);
    // Act
    const after = generate(now - 5_000);
    // Assess
    expect(after > before).toBe(true);
  });

  it.each([
    ['too short', '01JDQ4Z7X3K9V2M5N8P0R6S1T'],
    ['too long', '01JDQ4Z7X3K9V2M5N8P0R6S1T4X'],
    ['lower case', '01jdq4z7x3k9v2m5n8p0r6s1t4'],
    ['the letter I', '01JDQ4Z7X3K9V2M5N8P0R6S1TI'],
    ['the letter U', '01JDQ4Z7X3K9V2M5N8P0R6S1TU'],
    ['a time beyond 48 bits', '81JDQ4Z7X3K9V2M5N8P0R6S1T4'],
    ['a batch id', 'b_01JDQ4Z7X3K9V2M5N8P0R6S1T4'],
  ])('when a string is %s, then it is not a message id', (_, value) => {
    // Prepare
    const candidate: unknown = value;
    // Act
    const valid = isMessageId(candidate);
    // Assess
    expect(valid).toBe(false);
  });

  it('when a value is not a string, then it is not a message id', () => {
    // Prepare
    const values: unknown[] = [undefined, null, 42, {}];
    // Act
    const valid = values.map(isMessageId);
    // Assess
    expect(valid).toEqual([false, false, false, false]);
  });

  it('when a batch id is made, then it is "b_" and a ULID, and never a message id', () => {
    // Prepare
    const now = Date.now();
    // Act
    const batchId = newBatchId(now);
    // Assess
    expect(batchId).toMatch(/^b_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(isBatchId(batchId)).toBe(true);
    expect(isMessageId(batchId)).toBe(false);
    expect(isBatchId(batchId.slice(2))).toBe(false);
  });

  it('when ids are made by the process generator, then they sort in the order they were made', () => {
    // Prepare
    const count = 100;
    // Act
    const ids = Array.from({ length: count }, () => newMessageId());
    // Assess
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(count);
  });

  it('when the time is out of range, then making an id fails loudly', () => {
    // Prepare
    const times = [-1, 2 ** 48, 1.5, Number.NaN];
    const generate = messageIdGenerator();
    // Act
    const failures = times.filter((time) => {
      try {
        generate(time);
        return false;
      } catch (error) {
        return error instanceof RangeError;
      }
    });
    // Assess
    expect(failures).toEqual(times);
  });
});
