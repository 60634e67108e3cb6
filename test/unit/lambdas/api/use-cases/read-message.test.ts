import { describe, expect, it } from 'vitest';
import type { MessageView } from '#client/index.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { messageView } from '#lambdas/api/use-cases/read-message.ts';

// The body GET /v1/messages/{id} answers (lambdas/api/http/respond.ts: c.json(result.view)), built
// from a stored record. docs/events.md and docs/operations.md send a caller and the on-call to the
// message's `callback` to learn what became of its status callbacks.

const record = (overrides: Partial<MessageRecord> = {}): MessageRecord => ({
  id: '01M89PNMZR2HR54Q7H2NGA9838',
  to: '+79991234567',
  kind: 'sms',
  text: 'Hi',
  priority: 'urgent',
  encoding: 'gsm7',
  dataCoding: 0,
  parts: 1,
  validityMinutes: 1440,
  callbackUrl: 'https://example.com/hook',
  status: 'delivered',
  history: [
    { status: 'accepted', at: '2026-01-15T09:30:00.000Z' },
    { status: 'submitting', at: '2026-01-15T09:30:00.100Z' },
    { status: 'submitted', at: '2026-01-15T09:30:00.400Z' },
    { status: 'delivered', at: '2026-01-15T09:30:05.000Z' },
  ],
  smscIds: ['100000'],
  read: false,
  clicked: false,
  createdAt: '2026-01-15T09:30:00.000Z',
  updatedAt: '2026-01-15T09:30:05.000Z',
  ...overrides,
});

/** The exact JSON body the route answers with. */
const answered = (stored: MessageRecord) => JSON.parse(JSON.stringify(messageView(stored))) as MessageView;

describe('GET /v1/messages/{id}: the message view', () => {
  it('when the callback receiver refused the callback, then the message read shows callback.outcome', () => {
    // Prepare
    const stored = record({
      callback: {
        attempts: 1,
        lastStatus: 404,
        lastAt: '2026-01-15T09:30:06.000Z',
        outcome: 'rejected',
        forStatus: 'delivered',
      },
    });
    // Act
    const view = answered(stored);
    // Assess
    expect(view.callbackUrl).toBe('https://example.com/hook');
    expect(view.callback).toEqual({
      attempts: 1,
      lastStatus: 404,
      lastAt: '2026-01-15T09:30:06.000Z',
      outcome: 'rejected',
      forStatus: 'delivered',
    });
  });

  it('when no callback was attempted yet, then callback is present as null', () => {
    // Prepare
    const stored = record();
    // Act
    const view = answered(stored);
    // Assess: one shape whatever the message's progress, as for error, cost and report
    expect(view).toHaveProperty('callback', null);
  });
});
