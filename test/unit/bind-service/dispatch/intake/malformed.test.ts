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
      status: 'accepted',
      history: [{ status: 'accepted', at: '2030-01-01T00:00:00.000Z' }],
      smscIds: [],
      read: false,
      clicked: false,
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
  });

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
