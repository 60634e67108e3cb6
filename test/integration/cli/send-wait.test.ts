import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';
import { within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// `send --wait --wait-timeout N` bounds the whole wait, a script's only guard against a hung API:
// a loopback stand-in takes the send, then holds every read of the message without answering.

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

describe('smsc-sender send --wait against an API that stops answering', () => {
  let api: Awaited<ReturnType<typeof apiThatHangsOnReads>> | undefined;
  const cli = useCli(() => api?.url ?? 'http://127.0.0.1:9');
  afterEach(async () => {
    api?.server.closeAllConnections();
    await new Promise<void>((resolve) => (api ? api.server.close(() => resolve()) : resolve()));
    api = undefined;
  });

  it('when the reads of the message hang, then --wait-timeout still ends the wait in time with exit 124', async () => {
    // Prepare
    api = await apiThatHangsOnReads();
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
    expect(api.reads()).toBeGreaterThan(0);
    expect(Date.now() - startedAt).toBeLessThan(12_000);
  });
});
