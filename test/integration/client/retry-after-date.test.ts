import { describe, expect, it } from 'vitest';
import { createClient, SmscApiError } from '#client/index.ts';
import { accepted202, json, type StandInAnswer, useStandInApi } from './stand-in-api.ts';

// Retry-After may be an HTTP-date (RFC 9110): what stands in front of the API (proxies, CDNs, API
// Gateway's integrations) sends it so. client/README.md's rules hold for it as for seconds: no retry
// before it, and a wait beyond 30 s is thrown at once with `retryAfterSeconds`.

const throttled = (retryAfter: string): StandInAnswer => {
  const answer = json(429, {
    code: 'throttled',
    title: 'Too many requests',
    status: 429,
    detail: 'slow down',
  });
  return { ...answer, headers: { ...answer.headers, 'retry-after': retryAfter } };
};

describe('the typed client and Retry-After given as an HTTP-date', () => {
  const serve = useStandInApi();

  it('when a 429 says Retry-After: <date 60 s ahead>, then the client does not retry and throws it with the seconds left', async () => {
    // Prepare: the first answer a 429 asking for a minute, any later one a 202
    const arrivals: number[] = [];
    const api = await serve(() => {
      arrivals.push(Date.now());
      return arrivals.length === 1 ? throttled(new Date(Date.now() + 60_000).toUTCString()) : accepted202();
    });
    const client = createClient({ endpoint: api });
    // Act
    const outcome = await client.send({ to: '+79991234567', text: 'hi' }).catch((error: unknown) => error);
    // Assess: one request only (the wait is beyond 30 s: thrown at once, saying when to try again)
    expect(arrivals).toHaveLength(1);
    expect(outcome).toBeInstanceOf(SmscApiError);
    expect((outcome as SmscApiError).retryAfterSeconds).toBeGreaterThanOrEqual(55);
  });

  it('when a 429 says Retry-After: <date 2 s ahead>, then the retry comes no sooner than that date', async () => {
    // Prepare: a back-off far shorter than the date
    const arrivals: number[] = [];
    let retryAt = 0;
    const api = await serve(() => {
      arrivals.push(Date.now());
      if (arrivals.length > 1) return accepted202();
      // Whole seconds, as an HTTP-date has them: the date is the next whole second 2 s on.
      retryAt = Math.ceil((Date.now() + 2_000) / 1000) * 1000;
      return throttled(new Date(retryAt).toUTCString());
    });
    const client = createClient({ endpoint: api, backoff: { baseMs: 1, capMs: 2 } });
    // Act
    const sent = await client.send({ to: '+79991234567', text: 'hi' });
    // Assess
    expect(sent.status).toBe('accepted');
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]).toBeGreaterThanOrEqual(retryAt);
  });
});
