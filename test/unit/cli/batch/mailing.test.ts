import { describe, expect, it } from 'vitest';
import { rowKey } from '#cli/batch/csv-rows.ts';
import { mailingKey, mailingOf } from '#cli/batch/mailing.ts';

describe('the identity of a mailing', () => {
  const keyOf = (endpoint: string, options: Parameters<typeof mailingOf>[2]) =>
    rowKey(mailingKey(mailingOf('f1', endpoint, options)), 1);

  it('when the same file goes to another endpoint or with other row options, then its rows get other keys', () => {
    // Prepare
    const local = 'http://127.0.0.1:3000';
    // Act
    const keys = [
      keyOf(local, { text: 'Monday' }),
      keyOf('https://api.example.com/prod', { text: 'Monday' }),
      keyOf(local, { text: 'Tuesday' }),
      keyOf(local, { text: 'Monday', from: 'Shop' }),
      keyOf(local, { text: 'Monday', account: 'alerts' }),
      keyOf(local, { text: 'Monday', priority: 'urgent' }),
    ];
    // Assess
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toMatch(/^csv:[0-9a-f]{32}:1$/);
  });

  it('when the endpoint and options only spell the same requests differently, then the keys are the same', () => {
    // Act
    const plain = keyOf('http://127.0.0.1:3000', {});
    const spelled = keyOf('http://127.0.0.1:3000/', { priority: 'bulk' });
    // Assess
    expect(spelled).toBe(plain);
  });
});
