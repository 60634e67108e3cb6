import { describe, expect, it } from 'vitest';
import { entryBytes, MAX_BATCH_BYTES, sendBatches } from '#cli/dlq/batches.ts';

// SendMessageBatch takes at most 10 entries and 1 MiB of them, counted as SQS counts a message.

const entry = (id: number, bodyBytes: number) => ({
  Id: String(id),
  MessageBody: 'x'.repeat(bodyBytes),
  MessageAttributes: { errorCode: { DataType: 'String', StringValue: 'too_big' } },
});

describe('dlq redrive: send batches', () => {
  it('when an entry has attributes, then its size counts each name, data type and value', () => {
    // Prepare
    const one = {
      Id: '0',
      MessageBody: 'é',
      MessageAttributes: { n: { DataType: 'String', StringValue: 'v' } },
    };
    // Act
    const bytes = entryBytes(one);
    // Assess
    expect(bytes).toBe(2 + 1 + 6 + 1);
  });

  it('when ten entries of nearly 256 KiB wait, then they go in batches of at most 1 MiB, in order', () => {
    // Prepare
    const entries = Array.from({ length: 10 }, (_, index) => entry(index, 262_100));
    // Act
    const batches = sendBatches(entries);
    // Assess
    expect(batches.map((batch) => batch.map((one) => one.Id))).toEqual([
      ['0', '1', '2', '3'],
      ['4', '5', '6', '7'],
      ['8', '9'],
    ]);
    for (const batch of batches) {
      expect(batch.reduce((sum, one) => sum + entryBytes(one), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
  });

  it('when small entries wait, then ten go in one batch', () => {
    // Prepare
    const entries = Array.from({ length: 12 }, (_, index) => entry(index, 100));
    // Act
    const batches = sendBatches(entries);
    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([10, 2]);
  });
});
