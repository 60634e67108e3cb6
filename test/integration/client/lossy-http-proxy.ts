import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// An HTTP front that forwards every request to `target` but, for the first `loseAnswers` requests
// matching `matches`, loses the answer: the request took effect, the caller never learns it (a lost
// answer, the case idempotency keys exist for). How it is lost (`cut`):
// - 'whole' (default): the connection is dropped before anything of the answer is written;
// - 'reset-mid-body': the status, headers and half the body are written, then the connection drops;
// - 'stall-mid-body': the status, headers and half the body are written, and the rest never comes.

export type AnswerCut = 'whole' | 'reset-mid-body' | 'stall-mid-body';

export interface LossyHttpProxy {
  url: string;
  /** Requests forwarded, lost answers included. */
  readonly forwarded: { method: string; path: string; idempotencyKey?: string }[];
  close(): Promise<void>;
}

export async function startLossyHttpProxy(options: {
  target: string;
  loseAnswers: number;
  matches: (method: string, path: string) => boolean;
  cut?: AnswerCut;
}): Promise<LossyHttpProxy> {
  let toLose = options.loseAnswers;
  const cut = options.cut ?? 'whole';
  const forwarded: LossyHttpProxy['forwarded'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const method = request.method ?? 'GET';
        const path = request.url ?? '/';
        const key = request.headers['idempotency-key'];
        forwarded.push({ method, path, ...(typeof key === 'string' ? { idempotencyKey: key } : {}) });
        const body = Buffer.concat(chunks);
        const answer = await fetch(options.target + path, {
          method,
          headers: {
            ...(request.headers['content-type'] ? { 'content-type': request.headers['content-type'] } : {}),
            ...(typeof key === 'string' ? { 'idempotency-key': key } : {}),
          },
          ...(body.length > 0 ? { body } : {}),
        });
        const payload = Buffer.from(await answer.arrayBuffer());
        const headers = Object.fromEntries(answer.headers);
        if (toLose > 0 && options.matches(method, path)) {
          toLose -= 1;
          if (cut === 'whole') {
            request.socket.destroy();
            return;
          }
          // The length announced is the whole body's, so the client knows the half is not all.
          response.writeHead(answer.status, { ...headers, 'content-length': String(payload.length) });
          response.write(payload.subarray(0, Math.floor(payload.length / 2)));
          if (cut === 'reset-mid-body') setTimeout(() => request.socket.destroy(), 50);
          return;
        }
        response.writeHead(answer.status, headers);
        response.end(payload);
      })().catch(() => request.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
