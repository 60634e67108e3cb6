import { describe, expect, it } from 'vitest';
import { createClient, SmscApiError } from '#client/index.ts';
import { readIdempotencyKey } from '#lambdas/api/http/idempotency.ts';

// The typed client's own decisions, without sockets: a stub fetch stands for the API. Over real HTTP
// against the local stack: test/integration/client/.

const MESSAGE_ID = '01M89PNMZR2HR54Q7H2NGA9838';

const problem503 = () =>
  new Response(
    JSON.stringify({
      type: 'tag:smsc-aws-sender,2025:problems/repository_unavailable',
      title: 'Service temporarily unavailable',
      status: 503,
      detail: 'Storage is unavailable; try again shortly.',
      code: 'repository_unavailable',
    }),
    { status: 503, headers: { 'content-type': 'application/problem+json' } },
  );

/** 429 flood_limit, as the API answers a number that got too many messages: Retry-After is the gap left. */
const flood429 = (retryAfterSeconds: number) =>
  new Response(
    JSON.stringify({
      type: 'tag:smsc-aws-sender,2025:problems/flood_limit',
      title: 'Too many messages to one number',
      status: 429,
      detail: 'The number already got the most messages allowed.',
      code: 'flood_limit',
    }),
    {
      status: 429,
      headers: { 'content-type': 'application/problem+json', 'retry-after': String(retryAfterSeconds) },
    },
  );

/** A stub of the API that builds each request exactly as fetch does (where headers are checked) and accepts it. */
function acceptingFetch(): { fetch: typeof fetch; built: () => number } {
  let built = 0;
  return {
    built: () => built,
    fetch: async (input, init) => {
      new Request(input, init);
      built += 1;
      return new Response(
        JSON.stringify({ id: MESSAGE_ID, status: 'accepted', encoding: 'gsm7', parts: 1 }),
        {
          status: 202,
          headers: { 'content-type': 'application/json' },
        },
      );
    },
  };
}

describe('the typed client and the caller signal', () => {
  it('when the signal aborts during the back-off between retries, then its reason is thrown', async () => {
    // Prepare: every answer a 503 (retried), a back-off of a full second, the limit at 100 ms
    let calls = 0;
    const client = createClient({
      endpoint: 'http://127.0.0.1:3000',
      backoff: { baseMs: 1_000, capMs: 1_000, jitter: 0 },
      fetch: async () => {
        calls += 1;
        return problem503();
      },
    });
    const reason = new Error('the caller gave up');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    // Act
    const thrown = await client
      .get(MESSAGE_ID, { signal: controller.signal })
      .catch((error: unknown) => error);
    // Assess
    expect(calls).toBe(1);
    expect(thrown).toBe(reason);
  });

  it('when the signal aborts during the request itself, then its reason is thrown (the same contract)', async () => {
    // Prepare: a fetch that hangs until aborted
    const client = createClient({
      endpoint: 'http://127.0.0.1:3000',
      fetch: (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    });
    const reason = new Error('the caller gave up');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    // Act
    const thrown = await client
      .get(MESSAGE_ID, { signal: controller.signal })
      .catch((error: unknown) => error);
    // Assess
    expect(thrown).not.toBeInstanceOf(SmscApiError);
    expect(thrown).toBe(reason);
  });
});

describe('the typed client and a request it cannot send', () => {
  it('when the Idempotency-Key has a non-Latin-1 character, then the send is refused at once as bad input, not retried as a lost answer', async () => {
    // Prepare
    const api = acceptingFetch();
    const client = createClient({
      endpoint: 'http://127.0.0.1:3000',
      backoff: { baseMs: 1, capMs: 2, jitter: 0 },
      fetch: api.fetch,
    });
    // Act
    const error = await client
      .send({ to: '+79991234567', text: 'hi' }, { idempotencyKey: 'заказ-1042' })
      .catch((caught: unknown) => caught);
    // Assess
    expect(api.built()).toBe(0);
    expect(error).toBeInstanceOf(SmscApiError);
    expect((error as SmscApiError).attempts).toBe(0);
    expect((error as SmscApiError).problem.code).not.toBe('network_error');
    expect((error as SmscApiError).problem).toMatchObject({ status: 400, code: 'invalid_idempotency_key' });
  });

  it('when a key is at either side of the API’s rule, then the client refuses exactly the keys the API refuses', async () => {
    // Prepare: keys a header can carry, so the API's own check can judge them too
    const keys = ['a'.repeat(255), 'a'.repeat(256), 'order 1042', 'tab\there', 'del\x7F', '~!'];
    const apiTakes = (key: string) => {
      try {
        readIdempotencyKey(new Headers({ 'idempotency-key': key }));
        return true;
      } catch {
        return false;
      }
    };
    const clientTakes = async (key: string) => {
      const client = createClient({ endpoint: 'http://127.0.0.1:3000', fetch: acceptingFetch().fetch });
      return client.send({ to: '+79991234567', text: 'hi' }, { idempotencyKey: key }).then(
        () => true,
        () => false,
      );
    };
    // Act
    const verdicts = await Promise.all(keys.map(async (key) => [await clientTakes(key), apiTakes(key)]));
    // Assess
    expect(verdicts.map(([client]) => client)).toEqual(verdicts.map(([, api]) => api));
    expect(verdicts.map(([client]) => client)).toEqual([true, false, true, false, false, true]);
  });

  it('when fetch would refuse the request before sending it (a URL with credentials), then its TypeError is thrown at once, no attempt made', async () => {
    // Prepare
    let calls = 0;
    const client = createClient({
      endpoint: 'http://user:secret@127.0.0.1:3000',
      backoff: { baseMs: 1, capMs: 2, jitter: 0 },
      fetch: async (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    // Act
    const error = await client.get(MESSAGE_ID).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(TypeError);
    expect(calls).toBe(0);
  });
});

describe('the typed client and Retry-After', () => {
  it('when every answer to a send is lost, then the error names the Idempotency-Key its attempts carried', async () => {
    // Prepare: no key given, so the client draws one; the connection fails every time
    const keys: (string | null)[] = [];
    const client = createClient({
      endpoint: 'http://127.0.0.1:3000',
      retries: 1,
      backoff: { baseMs: 1, capMs: 2, jitter: 0 },
      fetch: async (input, init) => {
        keys.push(new Request(input, init).headers.get('idempotency-key'));
        throw new TypeError('fetch failed');
      },
    });
    // Act
    const error = await client.send({ to: '+79991234567', text: 'hi' }).catch((caught: unknown) => caught);
    // Assess: before, the drawn key was lost with the failure, and a resend under a new one could
    // send the message twice
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(error).toBeInstanceOf(SmscApiError);
    expect(error).toMatchObject({ idempotencyKey: keys[0], problem: { code: 'network_error' } });
  });

  it("when API Gateway's catch-all answers without a status in its body, then the problem takes the answer's status and is retried as a 5xx", async () => {
    // Prepare: a DEFAULT_5XX gateway response (cdk/constructs/compute/gateway-problems.ts), twice
    const gatewayError = () =>
      new Response(
        JSON.stringify({
          type: 'tag:smsc-aws-sender,2025:problems/gateway_error',
          title: 'API Gateway failed the request',
          code: 'gateway_error',
          detail: 'API Gateway failed the request.',
          message: 'Internal server error',
        }),
        { status: 502, headers: { 'content-type': 'application/problem+json' } },
      );
    let calls = 0;
    const client = createClient({
      endpoint: 'http://127.0.0.1:3000',
      retries: 1,
      backoff: { baseMs: 1, capMs: 2, jitter: 0 },
      fetch: async () => {
        calls += 1;
        return gatewayError();
      },
    });
    // Act
    const error = await client.send({ to: '+79991234567', text: 'hi' }).catch((caught: unknown) => caught);
    // Assess: a body without `status` was no problem to the client: 'unexpected_response'
    expect(calls).toBe(2);
    expect(error).toMatchObject({ attempts: 2, problem: { status: 502, code: 'gateway_error' } });
  });

  it('when a send is answered 429 with a Retry-After longer than the client waits (40 s), then it is not retried and the 429 is thrown with its Retry-After', async () => {
    // Prepare: 429 flood_limit first, then what would accept it
    const api = acceptingFetch();
    let calls = 0;
    const client = createClient({
      endpoint: 'http://127.0.0.1:3000',
      backoff: { baseMs: 1, capMs: 2, jitter: 0 },
      fetch: async (input, init) => {
        calls += 1;
        return calls === 1 ? flood429(40) : api.fetch(input, init);
      },
    });
    // Act
    const error = await client.send({ to: '+79991234567', text: 'hi' }).catch((caught: unknown) => caught);
    // Assess: before, the header was cut to 30 s and the send retried then, 10 s early
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(SmscApiError);
    expect(error).toMatchObject({
      attempts: 1,
      retryAfterSeconds: 40,
      problem: { status: 429, code: 'flood_limit' },
    });
  });

  it('when a send is answered 429 with a Retry-After the client waits (1 s), then the retry comes no sooner', async () => {
    // Prepare: a back-off far shorter than the Retry-After
    const api = acceptingFetch();
    const at: number[] = [];
    const client = createClient({
      endpoint: 'http://127.0.0.1:3000',
      backoff: { baseMs: 1, capMs: 2, jitter: 0 },
      fetch: async (input, init) => {
        at.push(performance.now());
        return at.length === 1 ? flood429(1) : api.fetch(input, init);
      },
    });
    // Act
    const sent = await client.send({ to: '+79991234567', text: 'hi' });
    // Assess: a few ms for the event loop's millisecond clock, which may fire a timer that early
    const [first = 0, second = 0] = at;
    expect(sent.id).toBe(MESSAGE_ID);
    expect(second - first).toBeGreaterThanOrEqual(995);
  });
});
