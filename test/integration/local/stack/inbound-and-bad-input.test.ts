import { describe, expect, it } from 'vitest';
import { MESSAGE_BODY_LIMIT } from '#lambdas/api/routes/messages.ts';
import { bodyOf, eventually, type StackFixture, useLocalStack } from './stack-fixture.ts';

// Incoming (MO) messages from the simulator into the inbound table, and bad requests refused by the
// API with nothing stored and nothing reaching the queues, the bind-service or the simulator.

const MOBILE = '+79991112233';

const badRequests: {
  name: string;
  send: (f: StackFixture) => Promise<Response>;
  status: number;
  code: string;
}[] = [
  {
    name: 'malformed JSON',
    send: (f) => f.post('/v1/messages', `{"to":"${MOBILE}","text":`),
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'an unknown field',
    send: (f) => f.post('/v1/messages', { to: MOBILE, text: 'Hi', colour: 'red' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an invalid number',
    send: (f) => f.post('/v1/messages', { to: '+7999', text: 'Hi' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a landline for an sms',
    send: (f) => f.post('/v1/messages', { to: '+74951234567', text: 'Hi' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a missing text',
    send: (f) => f.post('/v1/messages', { to: MOBILE }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a Telegram code with letters',
    send: (f) => f.post('/v1/messages', { to: MOBILE, kind: 'tgm', text: '12ab' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an e-mail without a subject',
    send: (f) => f.post('/v1/messages', { to: 'someone@example.com', kind: 'mail', text: 'Hi' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a text of too many parts',
    send: (f) => f.post('/v1/messages', { to: MOBILE, text: 'Привет '.repeat(200) }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a callback URL that is plain http to another host',
    send: (f) => f.post('/v1/messages', { to: MOBILE, text: 'Hi', callbackUrl: 'http://example.com/hook' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a body over the message limit',
    send: (f) => f.post('/v1/messages', { to: MOBILE, text: 'a'.repeat(MESSAGE_BODY_LIMIT) }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'a text/plain body',
    send: (f) =>
      f.post('/v1/messages', JSON.stringify({ to: MOBILE, text: 'Hi' }), { 'content-type': 'text/plain' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a batch whose every entry is invalid',
    send: (f) => f.post('/v1/batches', { to: ['+7999', '+74951234567'], text: 'Hi' }),
    status: 422,
    code: 'all_entries_rejected',
  },
  {
    name: 'a batch with an Idempotency-Key',
    send: (f) => f.post('/v1/batches', { to: [MOBILE], text: 'Hi' }, { 'idempotency-key': 'k1' }),
    status: 400,
    code: 'idempotency_not_supported',
  },
  {
    name: 'a message id that is not one',
    send: (f) => f.get('/v1/messages/not-an-id'),
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'an unknown message id',
    send: (f) => f.get('/v1/messages/01J00000000000000000000000'),
    status: 404,
    code: 'not_found',
  },
];

async function inboundWithText(fixture: StackFixture, text: string): Promise<Record<string, unknown>[]> {
  const items = await fixture.items(fixture.stack.tables.inbound);
  return items.filter((item) => item.text === text);
}

describe('incoming messages and bad input on the local stack', () => {
  const fixture = useLocalStack();

  it('when the SMSC delivers an MO message, then it is stored in the inbound table before it is acknowledged', async () => {
    // Prepare
    const text = 'Ответ абонента: да';
    // Act
    const statuses = await fixture.sim.injectMo({
      systemId: fixture.stack.smpp.systemId,
      from: '+79995550001',
      to: '+79990007000',
      text,
    });
    const stored = await inboundWithText(fixture, text);
    // Assess
    expect(statuses).toEqual([0]);
    expect(stored).toEqual([
      expect.objectContaining({ from: '+79995550001', to: '+79990007000', text, parts: 1 }),
    ]);
  });

  it('when a long MO message comes in parts, then one inbound message holds the whole text', async () => {
    // Prepare
    const text = 'Очень длинный ответ абонента, который приходит несколькими частями. '.repeat(2);
    // Act
    const statuses = await fixture.sim.injectMo({
      systemId: fixture.stack.smpp.systemId,
      from: '+79995550002',
      to: '+79990007000',
      text,
    });
    const stored = await inboundWithText(fixture, text);
    // Assess
    expect(statuses).toEqual([0, 0, 0]);
    expect(stored).toEqual([expect.objectContaining({ from: '+79995550002', text, parts: 3 })]);
  });

  it('when every kind of bad request is sent, then each gets its 4xx and nothing is stored, queued or sent', async () => {
    // Prepare
    const storedBefore = await fixture.items(fixture.stack.tables.messages);
    const submitsBefore = fixture.sim.stats.submits;
    // Act
    const answers = [];
    for (const bad of badRequests) {
      const response = await bad.send(fixture);
      const body = await bodyOf<{ code?: string }>(response);
      answers.push({ name: bad.name, status: response.status, code: body.code });
    }
    // A good message after the bad ones: once it is delivered, anything queued before it was seen too.
    const canary = await bodyOf<{ id: string }>(
      await fixture.post('/v1/messages', { to: MOBILE, text: 'Canary' }),
    );
    await fixture.settled(canary.id);
    // Assess
    expect(answers).toEqual(badRequests.map(({ name, status, code }) => ({ name, status, code })));
    const storedAfter = await fixture.items(fixture.stack.tables.messages);
    const added = storedAfter.filter((item) => !storedBefore.some((before) => before.pk === item.pk));
    expect(added.filter((item) => String(item.pk).startsWith('MSG#')).map((item) => item.id)).toEqual([
      canary.id,
    ]);
    expect(added.filter((item) => String(item.pk).startsWith('IDEM#'))).toEqual([]);
    expect(fixture.sim.stats.submits - submitsBefore).toBe(1);
    expect(fixture.sim.messages.map((m) => m.text)).toEqual(['Canary']);
    // The canary's own queue message is deleted just after its submit was recorded.
    const { queues } = fixture.stack;
    const depths = async () =>
      Promise.all([queues.urgent, queues.bulk, queues.urgentDlq, queues.bulkDlq].map(fixture.queueDepth));
    await eventually(async () => (await depths()).every((depth) => depth === 0), 5_000, 'empty queues');
  });
});
