import { describe, expect, it } from 'vitest';
import { isBatchId } from '#core/domain/messages/message-id.ts';
import { jsonOf, problemOf, useApiHarness } from '#test/helpers/api/api-harness.ts';
import { type BatchBody, mobiles } from './batch-fixtures.ts';

// POST and GET /v1/batches through the real Node server, against DynamoDB Local and fauxqs.

describe('API /v1/batches (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when a batch of 1000 recipients is posted, then all are stored with the batch id and put on the bulk queue', async () => {
    // Prepare
    const api = await harness.start();
    const to = mobiles(1000);
    // Act
    const started = performance.now();
    const response = await api.post('/v1/batches', { to, text: 'Sale starts today', clientRef: 'spring' });
    const elapsedMs = Math.round(performance.now() - started);
    // Assess
    expect(response.status).toBe(202);
    const body = await jsonOf<BatchBody>(response);
    expect(body).toEqual({ batchId: expect.any(String), accepted: 1000, rejected: [] });
    expect(isBatchId(body.batchId)).toBe(true);
    expect(response.headers.get('location')).toBe(`/v1/batches/${body.batchId}`);
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(records).toHaveLength(1000);
    expect(new Set(records.map((record) => record.to))).toEqual(new Set(to));
    expect(
      records.every((r) => r.batchId === body.batchId && r.status === 'accepted' && r.priority === 'bulk'),
    ).toBe(true);
    const queued = await harness.drain(api.queues.bulk);
    expect(queued).toHaveLength(1000);
    expect(queued[0]).toMatchObject({
      v: 1,
      batchId: body.batchId,
      text: 'Sale starts today',
      priority: 'bulk',
    });
    expect(new Set(queued.map((message) => message.id))).toEqual(new Set(records.map((record) => record.id)));
    expect(await harness.drain(api.queues.urgent)).toEqual([]);
    expect(api.logs).toEqual([
      expect.objectContaining({
        status: 202,
        batchId: body.batchId,
        accepted: 1000,
        validateMs: expect.any(Number),
        storeMs: expect.any(Number),
        enqueueMs: expect.any(Number),
      }),
    ]);
    const { validateMs, storeMs, enqueueMs } = api.logs[0] as Record<string, unknown>;
    console.info(
      `batch of 1000 accepted in ${elapsedMs} ms (validate ${validateMs}, store ${storeMs}, enqueue ${enqueueMs})`,
    );
  }, 60_000);

  it('when some recipients are invalid, then the valid ones are accepted and the others listed by index', async () => {
    // Prepare
    const api = await harness.start();
    const [a, b] = mobiles(2);
    // Act
    const response = await api.post('/v1/batches', { to: [a, 'x', '+74951234567', a, b], text: 'Hi' });
    // Assess
    expect(response.status).toBe(202);
    const body = await jsonOf<BatchBody>(response);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      {
        index: 1,
        error: {
          code: 'invalid_phone_number',
          path: ['to', 1],
          message: expect.stringMatching(/^to\[1\]: /),
        },
      },
      {
        index: 2,
        error: { code: 'not_mobile_number', path: ['to', 2], message: expect.stringMatching(/^to\[2\]: /) },
      },
      {
        index: 3,
        error: {
          code: 'duplicate_recipient',
          path: ['to', 3],
          message: expect.stringContaining('repeats recipient 0'),
        },
      },
    ]);
    expect((await harness.items(api.tables.messages, 'MSG#')).map((r) => r.to).sort()).toEqual([a, b].sort());
    expect(await harness.drain(api.queues.bulk)).toHaveLength(2);
  });

  it('when messages are given one by one, then each is checked on its own and an urgent one goes to the urgent queue', async () => {
    // Prepare
    const api = await harness.start();
    const [a, b, c] = mobiles(3);
    // Act
    const response = await api.post('/v1/batches', {
      messages: [
        { to: a, text: 'First' },
        { to: b, text: '' },
        { to: c, kind: 'tgm', text: '1' },
        { to: c, text: 'Urgent one', priority: 'urgent' },
      ],
    });
    // Assess
    expect(response.status).toBe(202);
    const body = await jsonOf<BatchBody>(response);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map(({ index, error }) => ({ index, code: error.code, path: error.path }))).toEqual([
      { index: 1, code: 'too_short', path: ['messages', 1, 'text'] },
      { index: 2, code: 'invalid_message_content', path: ['messages', 2, 'text'] },
    ]);
    expect(await harness.drain(api.queues.bulk)).toEqual([
      expect.objectContaining({ to: a, batchId: body.batchId }),
    ]);
    expect(await harness.drain(api.queues.urgent)).toEqual([
      expect.objectContaining({ to: c, batchId: body.batchId, priority: 'urgent' }),
    ]);
  });

  it('when batch entries carry characters that are not allowed, then those entries are rejected by index and the rest are queued', async () => {
    // Prepare
    const api = await harness.start();
    const [a, b, c] = mobiles(3);
    // Act
    const response = await api.post('/v1/batches', {
      messages: [
        { to: a, text: 'Fine' },
        { to: b, text: 'Bad \uFFFF' },
        { to: c, text: 'Also bad \u0000', clientRef: 'c' },
      ],
    });
    // Assess
    expect(response.status).toBe(202);
    const body = await jsonOf<BatchBody>(response);
    expect(body.accepted).toBe(1);
    expect(body.rejected.map(({ index, error }) => ({ index, code: error.code, path: error.path }))).toEqual([
      { index: 1, code: 'invalid_character', path: ['messages', 1, 'text'] },
      { index: 2, code: 'invalid_character', path: ['messages', 2, 'text'] },
    ]);
    expect(body.rejected[0]?.error.message).toMatch(/U\+FFFF.*index 4/);
    expect(await harness.drain(api.queues.bulk)).toEqual([expect.objectContaining({ to: a, text: 'Fine' })]);
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(1);
  });

  it('when the text shared by all recipients carries U+FFFF, then 400 for the whole batch and nothing is stored', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.post('/v1/batches', { to: mobiles(2), text: 'For all \uFFFF' });
    // Assess
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({
      code: 'validation_failed',
      errors: [{ code: 'invalid_character', path: ['text'] }],
    });
    expect(await harness.items(api.tables.messages, '')).toEqual([]);
    expect(await harness.drain(api.queues.bulk)).toEqual([]);
  });

  it('when every entry is invalid, then 422 all_entries_rejected lists them and nothing is stored or enqueued', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.post('/v1/batches', { to: ['x', '+74951234567'], text: 'Hi' });
    // Assess
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      code: 'all_entries_rejected',
      rejected: [
        { index: 0, error: { code: 'invalid_phone_number', path: ['to', 0] } },
        { index: 1, error: { code: 'not_mobile_number', path: ['to', 1] } },
      ],
      errors: [
        { code: 'invalid_phone_number', path: ['to', 0] },
        { code: 'not_mobile_number', path: ['to', 1] },
      ],
    });
    expect(await harness.items(api.tables.messages, '')).toEqual([]);
    expect(await harness.drain(api.queues.bulk)).toEqual([]);
  });

  it.each([
    {
      name: 'a shared text of too many parts',
      body: { to: mobiles(2), text: 'Привет '.repeat(200) },
      errors: [{ code: 'too_many_parts', path: ['text'] }],
    },
    {
      name: 'both forms at once',
      body: { to: mobiles(1), text: 'Hi', messages: [] },
      errors: [{ code: 'conflicting_fields', path: ['messages'] }],
    },
    {
      name: 'over 1000 recipients',
      body: { to: mobiles(1001), text: 'Hi' },
      errors: [{ code: 'too_long', path: ['to'] }],
    },
    { name: 'an empty list', body: { messages: [] }, errors: [{ code: 'too_short', path: ['messages'] }] },
    {
      name: 'an unknown shared field next to a bad recipient',
      body: { to: ['x'], text: 'Hi', colour: 'red' },
      errors: [{ code: 'unknown_field', path: ['colour'] }],
    },
  ])('when the batch has $name, then 400 validation_failed for the whole batch', async ({ body, errors }) => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.post('/v1/batches', body);
    // Assess
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map(({ code, path }) => ({ code, path }))).toEqual(expect.arrayContaining(errors));
    expect(await harness.items(api.tables.messages, '')).toEqual([]);
    expect(await harness.drain(api.queues.bulk)).toEqual([]);
  });

  it('when a batch body is over 256 KiB or carries an Idempotency-Key, then 413 and 400, nothing stored', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const tooLarge = await api.post('/v1/batches', { to: mobiles(1), text: 'a'.repeat(257 * 1024) });
    const withKey = await api.post(
      '/v1/batches',
      { to: mobiles(1), text: 'Hi' },
      { 'idempotency-key': 'b1' },
    );
    // Assess
    expect(tooLarge.status).toBe(413);
    expect(await problemOf(tooLarge)).toMatchObject({ code: 'payload_too_large' });
    expect(withKey.status).toBe(400);
    expect(await problemOf(withKey)).toMatchObject({
      code: 'idempotency_not_supported',
      errors: [{ path: ['headers', 'Idempotency-Key'] }],
    });
    expect(await harness.items(api.tables.messages, '')).toEqual([]);
  });
});
