import { describe, expect, it } from 'vitest';
import { type AcceptedBody, jsonOf, problemOf, useApiHarness } from '#test/helpers/api/api-harness.ts';

// The provider's anti-loop rules at the API: refused before anything is stored or queued.

const MOBILE = '+79991234567';

describe('API anti-loop rules (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when an identical message is posted again within the minute, then 409 duplicate_request and only the first is stored', async () => {
    // Prepare
    const api = await harness.start();
    const body = { to: MOBILE, text: 'Your code is 1234' };
    await api.post('/v1/messages', body);
    // Act
    const again = await api.post('/v1/messages', body);
    // Assess
    expect(again.status).toBe(409);
    expect(again.headers.get('retry-after')).toBe('60');
    expect(await problemOf(again)).toMatchObject({ status: 409, code: 'duplicate_request' });
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(1);
    expect(await harness.drain(api.queues.urgent)).toHaveLength(1);
  });

  it('when a request is retried with its Idempotency-Key, then the first answer is replayed, not refused', async () => {
    // Prepare
    const api = await harness.start();
    const body = { to: MOBILE, text: 'Retried' };
    const first = await jsonOf<AcceptedBody>(
      await api.post('/v1/messages', body, { 'idempotency-key': 'k-1' }),
    );
    // Act
    const retry = await api.post('/v1/messages', body, { 'idempotency-key': 'k-1' });
    // Assess
    expect(retry.status).toBe(202);
    expect((await jsonOf<AcceptedBody>(retry)).id).toBe(first.id);
  });

  it('when the 51st message to one number follows 50 less than 30 s apart, then 429 flood_limit and it is not stored', async () => {
    // Prepare
    const api = await harness.start();
    for (let index = 1; index <= 50; index++) {
      const response = await api.post('/v1/messages', {
        to: MOBILE,
        text: `Message ${index}`,
        priority: 'bulk',
      });
      expect(response.status).toBe(202);
    }
    // Act
    const fiftyFirst = await api.post('/v1/messages', { to: MOBILE, text: 'Message 51', priority: 'bulk' });
    // Assess
    expect(fiftyFirst.status).toBe(429);
    expect(fiftyFirst.headers.get('retry-after')).toBe('30');
    expect(await problemOf(fiftyFirst)).toMatchObject({ status: 429, code: 'flood_limit' });
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(50);
  }, 60_000);

  it('when the rules are turned off, then an identical message is accepted again', async () => {
    // Prepare
    const api = await harness.start({
      env: { ANTI_LOOP_DUPLICATE_SECONDS: '0', ANTI_LOOP_FLOOD_LIMIT: '0' },
    });
    const body = { to: MOBILE, text: 'Twice on purpose' };
    await api.post('/v1/messages', body);
    // Act
    const again = await api.post('/v1/messages', body);
    // Assess
    expect(again.status).toBe(202);
  });

  it('when a batch repeats a message sent within the minute, then that entry is rejected with duplicate_request', async () => {
    // Prepare
    const api = await harness.start();
    await api.post('/v1/messages', { to: '+79990000002', text: 'Sale today' });
    // Act
    const response = await api.post('/v1/batches', {
      to: ['+79990000001', '+79990000002'],
      text: 'Sale today',
    });
    // Assess
    expect(response.status).toBe(202);
    const answer = await jsonOf<{ accepted: number; rejected: { index: number; error: { code: string } }[] }>(
      response,
    );
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([
      { index: 1, error: expect.objectContaining({ code: 'duplicate_request', path: ['to', 1] }) },
    ]);
  });
});
