// Example bodies for the OpenAPI document, as the local stack answers them.

const ID = '01M89PNMZR2HR54Q7H2NGA9838';

export const EXAMPLES = {
  sendMessage: { to: '+79991234567', text: 'Привет', clientRef: 'order-1042' },
  accepted: { id: ID, status: 'accepted', encoding: 'ucs2', parts: 1 },
  message: {
    id: ID,
    to: '+79991234567',
    kind: 'sms',
    text: 'Привет',
    priority: 'urgent',
    status: 'delivered',
    encoding: 'ucs2',
    parts: 1,
    validityMinutes: 1440,
    clientRef: 'order-1042',
    smscIds: ['100000'],
    error: null,
    cost: '1.5000',
    mccmnc: '25001',
    read: false,
    clicked: false,
    hlr: null,
    callback: null,
    history: [
      { status: 'accepted', at: '2026-01-05T10:00:00.000Z' },
      { status: 'submitting', at: '2026-01-05T10:00:00.020Z' },
      { status: 'submitted', at: '2026-01-05T10:00:00.060Z' },
      { status: 'delivered', at: '2026-01-05T10:00:02.400Z' },
    ],
    createdAt: '2026-01-05T10:00:00.000Z',
    updatedAt: '2026-01-05T10:00:02.400Z',
  },
  sendBatch: { to: ['+79991234567', '+79991234568'], text: 'Sale starts tomorrow' },
  batchAnswer: { batchId: `b_${ID}`, accepted: 2, rejected: [] },
  batch: {
    batchId: `b_${ID}`,
    total: 2,
    counts: {
      accepted: 0,
      submitting: 0,
      unknown: 0,
      submitted: 1,
      delivered: 1,
      undelivered: 0,
      expired: 0,
      rejected: 0,
      failed: 0,
    },
  },
} as const;
