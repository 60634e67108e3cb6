import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '#core/callbacks/signature.ts';
import { within } from '#test/helpers/wait.ts';

// The callback receiver docs/events.md shows ("Used in a plain node:http server"), run as written:
// the block is read from the document, only its import path and port are pointed at this checkout
// and a free loopback port, and it runs in a node process of its own. A network may deliver a body
// in any number of reads, a UTF-8 character split between two; the receiver must still verify the
// body exactly as it was signed.

const DOCS = new URL('../../../docs/events.md', import.meta.url);
const VERIFIER = new URL('../../../examples/verify-callback.mjs', import.meta.url);
const SECRET = 'fake-receiver-secret';

/** The documented receiver's code, ready to run here; fails when the document changed shape. */
function documentedReceiver(): string {
  const docs = readFileSync(DOCS, 'utf8');
  const block = /Used in a plain `node:http` server[^:]*:\s*```js\n([\s\S]*?)```/.exec(docs)?.[1];
  if (!block) throw new Error('docs/events.md has no "Used in a plain `node:http` server" js block');
  const rewrites: [string, string][] = [
    ["from './verify-callback.mjs'", `from '${VERIFIER.href}'`],
    [
      '.listen(8080);',
      ".listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });",
    ],
  ];
  return rewrites.reduce((code, [from, to]) => {
    if (!code.includes(from)) throw new Error(`the documented receiver no longer has ${from}`);
    return code.replace(from, to);
  }, block);
}

/** POSTs `body` in two TCP writes split at byte `split`; the HTTP status answered. */
function postInTwoReads(port: number, body: Buffer, split: number, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const head = Object.entries({ ...headers, 'content-length': String(body.length), connection: 'close' })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        `POST /callback HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${head}\r\n`,
      );
      socket.write(body.subarray(0, split));
      // Apart in time, so that the receiver reads them apart.
      setTimeout(() => socket.write(body.subarray(split)), 100);
    });
    let answer = '';
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1');
    });
    socket.on('end', () => resolve(Number(answer.split(' ')[1])));
    socket.on('error', reject);
  });
}

describe('the callback receiver of docs/events.md', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  const startReceiver = async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', documentedReceiver()], {
      env: { ...process.env, SIGNING_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const port = new Promise<number>((resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
    });
    return within(port, 10_000, 'the documented receiver to listen');
  };

  const signed = (body: Buffer) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      'x-signature': signPayload(SECRET, timestamp, body.toString('utf8')),
      'x-signature-timestamp': timestamp,
    };
  };
  const event = Buffer.from(
    JSON.stringify({ id: '01M89PNMZR2HR54Q7H2NGA9838', clientRef: 'Привет', status: 'delivered' }),
  );

  it('when a signed body arrives in two reads that split a UTF-8 character, then it is taken (204)', async () => {
    // Prepare
    const port = await startReceiver();
    const split = event.indexOf(Buffer.from('Привет')) + 1; // inside the 2-byte "П"
    // Act
    const status = await within(postInTwoReads(port, event, split, signed(event)), 10_000, 'the answer');
    // Assess
    expect(status).toBe(204);
  });

  it('when the body was changed after signing, then it is refused (401)', async () => {
    // Prepare
    const port = await startReceiver();
    const headers = signed(event);
    const changed = Buffer.from(event.toString('utf8').replace('delivered', 'undelivered'));
    // Act
    const status = await within(postInTwoReads(port, changed, 10, headers), 10_000, 'the answer');
    // Assess
    expect(status).toBe(401);
  });
});
