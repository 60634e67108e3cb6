import { describe, expect, it } from 'vitest';
import { CallbackError, callbackTargetProblem, postCallback } from '#core/callbacks/callback.ts';
import { callbackSender } from '#core/callbacks/callback-sender.ts';
import type { CallbackPost } from '#core/callbacks/pinned-post.ts';
import { verifySignature } from '#core/callbacks/signature.ts';
import type { MessageStatusChanged } from '#core/domain/events/message-status-changed.ts';

describe('callbackTargetProblem', () => {
  it.each([
    'http://localhost:8080/hook',
    'http://127.0.0.1/hook',
    'http://127.1.2.3/hook',
    'http://[::1]/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[fe80::1]/hook',
    'https://0.0.0.0/hook',
    // IPv4-mapped IPv6: the URL parser writes these as [::ffff:7f00:1] and [::ffff:a9fe:a9fe].
    'https://[::ffff:127.0.0.1]:9001/hook',
    'https://[0:0:0:0:0:ffff:7f00:1]/hook',
    'https://[::ffff:169.254.169.254]/latest/meta-data',
    'https://[::]/hook',
  ])('when loopback is not allowed and the target is %s, then it is refused', (url) => {
    // Act
    const problem = callbackTargetProblem(url, false);
    // Assess
    expect(problem).toBe('loopback or link-local address');
  });

  it.each([
    'https://93.184.216.34/hook',
    'https://[::ffff:93.184.216.34]/hook',
    'https://[2001:db8::1]/hook',
  ])('when the target is the public address %s, then it may be called', (url) => {
    // Act
    const problem = callbackTargetProblem(url, false);
    // Assess
    expect(problem).toBeUndefined();
  });

  it('when loopback is allowed (local mode), then a loopback http target is fine', () => {
    // Act
    const problem = callbackTargetProblem('http://127.0.0.1:4000/hook', true);
    // Assess
    expect(problem).toBeUndefined();
  });

  it.each([
    ['a public https target', 'https://hooks.example.com/sms', undefined],
    [
      'a public http target',
      'http://hooks.example.com/sms',
      'http is allowed only for loopback in local mode',
    ],
    ['another scheme', 'ftp://hooks.example.com/sms', 'not an http(s) URL'],
    ['no URL', 'not a url', 'not a URL'],
  ])('when the target is %s, then the answer is as expected', (_, url, expected) => {
    // Act
    const problem = callbackTargetProblem(url, false);
    // Assess
    expect(problem).toBe(expected);
  });
});

describe('postCallback', () => {
  const NOW = new Date('2025-01-01T00:00:00.000Z');

  it('when posting, then the body goes as JSON with a signature the receiver can verify', async () => {
    // Prepare
    let seen: { headers: Headers; body: string } | undefined;
    const fakePost: CallbackPost = async (_, init) => {
      seen = { headers: new Headers(init.headers), body: init.body };
      return 204;
    };
    // Act
    await postCallback({
      url: 'https://hooks.example.com/',
      body: '{"a":1}',
      secret: 's3cret',
      post: fakePost,
      now: () => NOW,
    });
    // Assess
    expect(seen?.headers.get('content-type')).toBe('application/json');
    expect(seen?.headers.get('x-signature-timestamp')).toBe('1735689600');
    const valid = verifySignature(
      's3cret',
      {
        signature: seen?.headers.get('x-signature') ?? undefined,
        timestamp: seen?.headers.get('x-signature-timestamp') ?? undefined,
      },
      seen?.body ?? '',
      { now: () => NOW },
    );
    expect(valid).toBe(true);
  });

  it('when the receiver answers 500, then a CallbackError with the status is thrown', async () => {
    // Prepare
    const fakePost: CallbackPost = async () => 500;
    // Act
    const attempt = postCallback({
      url: 'https://hooks.example.com/',
      body: '{}',
      secret: 's',
      post: fakePost,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'CallbackError', status: 500 });
  });

  it('when the receiver does not answer in time, then a CallbackError says it timed out', async () => {
    // Prepare
    const hanging: CallbackPost = (_, init) =>
      new Promise((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason));
      });
    // Act
    const attempt = postCallback({
      url: 'https://hooks.example.com/',
      body: '{}',
      secret: 's',
      post: hanging,
      timeoutMs: 50,
    });
    // Assess
    await expect(attempt).rejects.toThrow(CallbackError);
    await expect(attempt).rejects.toThrow('callback timed out');
  });
});

describe('callbackSender', () => {
  it('when the host name’s resolution hangs, then the attempt ends within its timeout as timed out (retried), not at the worker’s limit', async () => {
    // Prepare: a resolver that never answers (the system resolver can take tens of seconds)
    const send = callbackSender({
      secret: async () => 'test-secret-not-real',
      allowLoopback: false,
      timeoutMs: 100,
      resolveHost: () => new Promise<string[]>(() => undefined),
    });
    const startedAt = Date.now();
    // Act
    const attempt = send('https://hooks.example.com/sms', {} as MessageStatusChanged);
    // Assess
    await expect(attempt).rejects.toThrow(CallbackError);
    await expect(attempt).rejects.toThrow('callback timed out');
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});
