import { describe, expect, it } from 'vitest';
import { createClient, SmscApiError } from '#client/index.ts';
import { eventually, useLocalStack } from '#test/integration/local/stack/stack-fixture.ts';
import { startLossyHttpProxy } from './lossy-http-proxy.ts';

// The typed client over real HTTP against the whole local stack (API, DynamoDB Local, fauxqs,
// bind-service, simulator): unsigned, as the local stack has no authoriser.

describe('the typed client against the local stack', () => {
  const fixture = useLocalStack({ env: { SMPP_THROUGHPUT: '500' } });
  const client = () => createClient({ endpoint: fixture.stack.apiUrl });

  it('when a message is sent, then get() follows it to delivered with its history', async () => {
    // Prepare
    const api = client();
    // Act
    const sent = await api.send({ to: '+79995550001', text: 'Client hello', clientRef: 'client-1' });
    let message = await api.get(sent.id);
    await eventually(
      async () => {
        message = await api.get(sent.id);
        return message.status === 'delivered';
      },
      10_000,
      'the message to be delivered',
    );
    // Assess
    expect(api.signed).toBe(false);
    expect(sent).toMatchObject({ status: 'accepted', encoding: 'gsm7', parts: 1, replayed: false });
    expect(sent.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(message).toMatchObject({ id: sent.id, to: '+79995550001', clientRef: 'client-1' });
    expect(message.history.map((change) => change.status)).toEqual([
      'accepted',
      'submitting',
      'submitted',
      'delivered',
    ]);
  });

  it('when the answer to a send is lost, then the retry reuses its key and the message exists once', async () => {
    // Prepare
    const proxy = await startLossyHttpProxy({
      target: fixture.stack.apiUrl,
      loseAnswers: 1,
      matches: (method) => method === 'POST',
    });
    const api = createClient({ endpoint: proxy.url, backoff: { baseMs: 10, capMs: 50 } });
    try {
      // Act
      const sent = await api.send({ to: '+79995550002', text: 'Sent once', clientRef: 'client-lost' });
      const delivered = await fixture.settled(sent.id, 10_000);
      // Assess
      const posts = proxy.forwarded.filter((request) => request.method === 'POST');
      expect(posts).toHaveLength(2);
      expect(new Set(posts.map((post) => post.idempotencyKey))).toEqual(new Set([sent.idempotencyKey]));
      expect(sent.replayed).toBe(true);
      expect(delivered.status).toBe('delivered');
      const records = await fixture.items(fixture.stack.tables.messages, 'MSG#');
      expect(records.filter((record) => record.clientRef === 'client-lost')).toHaveLength(1);
      expect(fixture.sim.messages.filter((m) => m.destination === '79995550002')).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('when a batch is sent, then getBatch() counts its messages', async () => {
    // Prepare
    const api = client();
    const to = ['+79995550010', '+79995550011', '+79995550012', '12'];
    // Act
    const answer = await api.sendBatch({ to: to.slice(0, 3), text: 'Batch via client' });
    const mixed = await api.sendBatch({
      messages: to.map((recipient, index) => ({ to: recipient, text: `Entry ${index}` })),
    });
    let counted = 0;
    await eventually(
      async () => {
        const view = await api.getBatch(answer.batchId).catch(() => undefined);
        counted = view?.counts.delivered ?? 0;
        return counted === 3;
      },
      10_000,
      'the batch to be delivered',
    );
    // Assess
    expect(answer).toMatchObject({ accepted: 3, rejected: [] });
    expect(mixed.accepted).toBe(3);
    expect(mixed.rejected).toEqual([
      {
        index: 3,
        error: expect.objectContaining({ code: 'invalid_phone_number', path: ['messages', 3, 'to'] }),
      },
    ]);
    expect(counted).toBe(3);
  });

  it('when the API refuses, then the error carries its problem document and nothing is retried', async () => {
    // Prepare
    const api = client();
    // Act
    const invalid = await api.send({ to: '12', text: 'x' }).catch((error: unknown) => error);
    const missing = await api.get('01M89PNMZR2HR54Q7H2NGA9838').catch((error: unknown) => error);
    const badId = await api.get('nope').catch((error: unknown) => error);
    // Assess
    expect(invalid).toBeInstanceOf(SmscApiError);
    expect((invalid as SmscApiError).problem).toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: ['to'] })],
    });
    expect((invalid as SmscApiError).attempts).toBe(1);
    expect((missing as SmscApiError).problem).toMatchObject({ status: 404, code: 'not_found' });
    expect((badId as SmscApiError).problem).toMatchObject({ status: 400, code: 'invalid_id' });
  });

  it('when nothing listens at the endpoint, then a network_error problem comes after the retries', async () => {
    // Prepare: a port nobody listens on (the API's own, after closing a throwaway server)
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const api = createClient({
      endpoint: `http://127.0.0.1:${port}`,
      retries: 2,
      backoff: { baseMs: 5, capMs: 10 },
    });
    // Act
    const error = await api.get('01M89PNMZR2HR54Q7H2NGA9838').catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SmscApiError);
    expect((error as SmscApiError).problem).toMatchObject({ status: 0, code: 'network_error' });
    expect((error as SmscApiError).attempts).toBe(3);
  });
});
