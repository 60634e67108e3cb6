import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';
import { within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// `send` against a loopback stand-in of an API whose answers do not come. `--wait --wait-timeout N`
// bounds the whole wait, a script's only guard against a hung API: the stand-in takes the send, then
// holds every read of the message without answering. A send whose every answer is lost may have been
// taken: the error names the Idempotency-Key that resends it without a second message.

const ID = '01JZ0000000000000000000001';

/** Answers POST /v1/messages 202; GETs are read and never answered. */
async function apiThatHangsOnReads(): Promise<{ url: string; server: Server; reads: () => number }> {
  let reads = 0;
  const server = createServer((request, response) => {
    request.resume();
    if (request.method === 'GET') {
      reads += 1;
      return;
    }
    request.on('end', () => {
      response.writeHead(202, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: ID, status: 'accepted', encoding: 'gsm7', parts: 1 }));
    });
  });
  return { url: await listenOnLoopback(server), server, reads: () => reads };
}

/** Takes each POST whole, records its Idempotency-Key, then drops the connection without answering. */
async function apiThatDropsAnswers(): Promise<{ url: string; server: Server; keys: Set<string> }> {
  const keys = new Set<string>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      keys.add(String(request.headers['idempotency-key']));
      response.socket?.destroy();
    });
  });
  return { url: await listenOnLoopback(server), server, keys };
}

describe('smsc-sender send against an API that stops answering', () => {
  let api: { url: string; server: Server } | undefined;
  const cli = useCli(() => api?.url ?? 'http://127.0.0.1:9');
  afterEach(async () => {
    api?.server.closeAllConnections();
    await new Promise<void>((resolve) => (api ? api.server.close(() => resolve()) : resolve()));
    api = undefined;
  });

  it('when the reads of the message hang, then --wait-timeout still ends the wait in time with exit 124', async () => {
    // Prepare
    const hanging = await apiThatHangsOnReads();
    api = hanging;
    const startedAt = Date.now();
    // Act: each read alone may take 30 s (the client's per-attempt limit), four retries after it
    const send = cli([
      'send',
      '--to',
      '+79994440007',
      '--text',
      'Hung reads',
      '--wait',
      '--wait-timeout',
      '2',
    ]);
    const code = await within(send.exited, 15_000, 'send --wait to give up');
    // Assess
    expect(code).toBe(124);
    expect(send.stderr).toContain(`error: message ${ID}: no answer from the API about it within 2 s`);
    expect(hanging.reads()).toBeGreaterThan(0);
    expect(Date.now() - startedAt).toBeLessThan(12_000);
  });

  it('when every answer to the send is lost, then the error names the Idempotency-Key to resend it with', async () => {
    // Prepare
    const dropping = await apiThatDropsAnswers();
    api = dropping;
    // Act
    const send = cli(['send', '--to', '+79994440009', '--text', 'Lost answers']);
    const code = await within(send.exited, 30_000, 'send to give up');
    // Assess: every attempt carried one key; before, it was never shown and a rerun drew another
    const [key = 'no key'] = dropping.keys;
    expect({ keys: dropping.keys.size, code, stderr: send.stderr }).toEqual({
      keys: 1,
      code: 1,
      stderr: expect.stringContaining(
        `to retry without a second message, resend with --idempotency-key ${key}\n`,
      ),
    });
    expect(send.stderr).toContain('error: 0 network_error: POST /v1/messages got no answer');
  });
});
