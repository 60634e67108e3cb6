import { describe, expect, it } from 'vitest';
import { rejectedRecordBase } from '#bind-service/dispatch/intake/malformed.ts';

const NOW = new Date('2030-01-01T00:00:00.000Z');

describe('rejectedRecordBase', () => {
  it('when an invalid message carries usable fields, then its record keeps them with the accepted defaults', () => {
    // Prepare
    const raw = {
      to: '+37255512345',
      kind: 'viber',
      text: 'Hi',
      clientRef: 'order-7',
      callbackUrl: 'https://x',
    };
    // Act
    const record = rejectedRecordBase('m1', raw, 'bulk', NOW);
    // Assess
    expect(record).toEqual({
      id: 'm1',
      to: '+37255512345',
      kind: 'viber',
      priority: 'bulk',
      encoding: 'gsm7',
      dataCoding: 0,
      parts: 0,
      validityMinutes: 1440,
      text: 'Hi',
      clientRef: 'order-7',
      callbackUrl: 'https://x',
      status: 'accepted',
      history: [{ status: 'accepted', at: '2030-01-01T00:00:00.000Z' }],
      smscIds: [],
      read: false,
      clicked: false,
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['plain http to a public host', 'http://hooks.example.com/sms'],
    ['a link-local address', 'https://169.254.169.254/latest'],
    ['not a URL', 'hooks.example.com/sms'],
    ['not a string', 42],
    ['holding a control character', 'https://hooks.example.com/s\u0007ms'],
  ])(
    'when its callbackUrl is %s, then the record leaves it out, as the API would refuse it',
    (_what, callbackUrl) => {
      // Act
      const record = rejectedRecordBase('m3', { to: '+37255512345', callbackUrl }, 'bulk', NOW);
      // Assess
      expect(record).not.toHaveProperty('callbackUrl');
    },
  );

  it('when the message is not even an object, then the record has no optional field at all', () => {
    // Act
    const record = rejectedRecordBase('m2', 'not json object', 'urgent', NOW);
    // Assess
    expect(Object.keys(record).sort()).toEqual(
      [
        'id',
        'to',
        'kind',
        'priority',
        'encoding',
        'dataCoding',
        'parts',
        'validityMinutes',
        'status',
        'history',
        'smscIds',
        'read',
        'clicked',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(record).toMatchObject({ to: '', kind: 'sms', priority: 'urgent' });
  });
});
