import { describe, expect, it } from 'vitest';
import { createClient, SmscApiError } from '#client/index.ts';

// A 2xx is returned as the API's answer only when it holds the fields a caller goes by: what else
// answers 2xx at the endpoint (a proxy's page, a login page's JSON) would make a send with no id,
// which `batch` would journal as sent and `send` print as "undefined". A stub fetch stands for it.

const MESSAGE_ID = '01M89PNMZR2HR54Q7H2NGA9838';

/** A client whose every request is answered `status` with `body`; the requests counted. */
function clientAnswering(status: number, body: string) {
  let requests = 0;
  const client = createClient({
    endpoint: 'http://127.0.0.1:3000',
    backoff: { baseMs: 1, capMs: 2 },
    fetch: async () => {
      requests += 1;
      return new Response(body, { status, headers: { 'content-type': 'application/json' } });
    },
  });
  return { client, requests: () => requests };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('the typed client and a 2xx that is not the API’s answer', () => {
  it('when a send is answered 202 with JSON lacking the message id, then it fails unretried as unexpected_response, naming its key', async () => {
    // Prepare
    const { client, requests } = clientAnswering(202, '{"page":"login"}');
    // Act
    const error = await failureOf(client.send({ to: '+79991234567', text: 'hi' }, { idempotencyKey: 'k-1' }));
    // Assess: the status kept, so a caller can tell the message may have been taken
    expect(error).toBeInstanceOf(SmscApiError);
    expect(error).toMatchObject({
      attempts: 1,
      idempotencyKey: 'k-1',
      problem: { status: 202, code: 'unexpected_response' },
    });
    expect((error as SmscApiError).problem.detail).toContain('message id and status');
    expect(requests()).toBe(1);
  });

  it('when a send is answered 202 with an empty id, then it fails as unexpected_response', async () => {
    // Prepare
    const { client } = clientAnswering(202, JSON.stringify({ id: '', status: 'accepted' }));
    // Act
    const error = await failureOf(client.send({ to: '+79991234567', text: 'hi' }));
    // Assess
    expect(error).toMatchObject({ problem: { status: 202, code: 'unexpected_response' } });
  });

  it('when a batch is answered 202 without batchId, accepted and rejected, then it fails as unexpected_response', async () => {
    // Prepare
    const { client } = clientAnswering(202, JSON.stringify({ ok: true }));
    // Act
    const error = await failureOf(client.sendBatch({ to: ['+79991234567'], text: 'hi' }));
    // Assess
    expect(error).toMatchObject({ attempts: 1, problem: { status: 202, code: 'unexpected_response' } });
  });

  it('when a read is answered 200 without status and history, then get fails as unexpected_response', async () => {
    // Prepare
    const { client } = clientAnswering(200, JSON.stringify({ id: MESSAGE_ID }));
    // Act
    const error = await failureOf(client.get(MESSAGE_ID));
    // Assess
    expect(error).toMatchObject({ problem: { status: 200, code: 'unexpected_response' } });
  });

  it('when a batch read is answered 200 without counts, then getBatch fails as unexpected_response', async () => {
    // Prepare
    const { client } = clientAnswering(200, JSON.stringify({ batchId: 'b_1', total: 1, counts: null }));
    // Act
    const error = await failureOf(client.getBatch('b_1'));
    // Assess
    expect(error).toMatchObject({ problem: { status: 200, code: 'unexpected_response' } });
  });

  it('when a send is answered 202 with the API’s answer, then it is returned', async () => {
    // Prepare
    const { client } = clientAnswering(
      202,
      JSON.stringify({ id: MESSAGE_ID, status: 'accepted', encoding: 'gsm7', parts: 1 }),
    );
    // Act
    const sent = await client.send({ to: '+79991234567', text: 'hi' });
    // Assess
    expect(sent).toMatchObject({ id: MESSAGE_ID, status: 'accepted', replayed: false });
  });
});
