import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackSender } from '#core/callbacks/callback-sender.ts';
import { statusEvent } from '#test/unit/lambdas/callbacks/jobs.ts';

// docs/events.md, "Answers and retries": "2xx: taken. The answer's body is ignored." The sender
// read the whole body into memory anyway, for up to CALLBACK_TIMEOUT_MS. The worker Lambda has
// 256 MB for a batch of 10 posted side by side: one receiver answering 200 with a large body could
// exhaust it, and the whole batch (other receivers' callbacks included) came back and was posted
// again.

const BODY_BYTES = 96 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 0x61);

describe('callback sender: a receiver answering 2xx with a large body (loopback HTTP)', () => {
  let server: Server;
  let base: string;
  let written = 0;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        // Writes only as fast as the client takes the bytes: `written` is what the client read.
        const pump = () => {
          while (written < BODY_BYTES) {
            written += CHUNK.length;
            if (!response.write(CHUNK)) {
              response.once('drain', pump);
              return;
            }
          }
          response.end();
        };
        response.on('error', () => undefined);
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when the receiver takes the callback with 200 and a 96 MB body, then the body is not downloaded', async () => {
    // Prepare
    const send = callbackSender({
      secret: async () => 'test-secret-not-real',
      allowLoopback: true,
      timeoutMs: 5_000,
    });

    // Act
    const status = await send(`${base}/hook`, statusEvent());

    // Assess: a receiver's body is ignored, so at most what the socket buffers should have gone out.
    expect(status).toBe(200);
    expect(written).toBeLessThan(16 * 1024 * 1024);
  }, 15_000);
});
