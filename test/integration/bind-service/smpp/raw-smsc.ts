// A raw SMSC for tests of what the engine reads off the socket: a net.Server on 127.0.0.1 that
// answers bind_transceiver, enquire_link and unbind, records every PDU the engine writes, and lets
// the test write hand-made bytes at the engine (what neither the simulator nor the smpp package's
// server ever sends). Closed, with its sockets, after the test.
import { type AddressInfo, createServer, type Socket } from 'node:net';
import type { DeliverSm, UnreadablePdu } from '#bind-service/smpp/index.ts';
import { smpp } from '#bind-service/smpp/pdu/smpp-package.ts';
import { within } from '#test/helpers/wait.ts';
import { engineFor, startBound, type useCleanup } from './fixtures.ts';

export interface SeenPdu {
  command: string;
  sequence: number;
  status: number;
  /** Index of the bind (1 = first) on whose socket it came. */
  bind: number;
}

export const DELIVER_SM_ID = 0x00000005;

/** A PDU header alone (16 octets), its command_length `length`: a bare request, or one to break. */
export function header(commandId: number, sequence: number, length = 16): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeUInt32BE(length, 0);
  buffer.writeUInt32BE(commandId, 4);
  buffer.writeUInt32BE(0, 8);
  buffer.writeUInt32BE(sequence, 12);
  return buffer;
}

export function encode(command: string, fields: Record<string, unknown>, sequence: number): Buffer {
  return new smpp.PDU(command as never, { ...fields, sequence_number: sequence } as never).toBuffer();
}

export function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])]);
}

/** A DELIVER_SM body with every mandatory field written by hand, so a test can break one. */
export function deliverBody(
  options: {
    source?: Buffer;
    afterSource?: Buffer;
    destination?: Buffer;
    text?: Buffer;
    smLength?: number;
    esmClass?: number;
  } = {},
): Buffer {
  const text = options.text ?? Buffer.from('hello', 'latin1');
  return Buffer.concat([
    cstring(''),
    Buffer.from([1, 1]),
    options.source ?? cstring('79990001122'),
    options.afterSource ?? Buffer.from([5, 0]),
    options.destination ?? cstring('Shop'),
    Buffer.from([options.esmClass ?? 0, 0, 0]),
    cstring(''),
    cstring(''),
    Buffer.from([0, 0, 0, 0, options.smLength ?? text.length]),
    text,
  ]);
}

export function deliverSm(sequence: number, body: Buffer = deliverBody()): Buffer {
  return Buffer.concat([header(DELIVER_SM_ID, sequence, 16 + body.length), body]);
}

export function tlv(tag: number, value: Buffer, declaredLength = value.length): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(tag, 0);
  head.writeUInt16BE(declaredLength, 2);
  return Buffer.concat([head, value]);
}

export async function rawSmsc(defer: ReturnType<typeof useCleanup>) {
  const seen: SeenPdu[] = [];
  const sockets: Socket[] = [];
  const bindWaiters: ((socket: Socket) => void)[] = [];
  let binds = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    let bind = 0;
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readUInt32BE(0)) {
        const length = pending.readUInt32BE(0);
        const decoded = new smpp.PDU(Buffer.from(pending.subarray(0, length)));
        pending = pending.subarray(length);
        if (decoded.command === 'bind_transceiver') {
          binds += 1;
          bind = binds;
        }
        seen.push({
          command: decoded.command,
          sequence: decoded.sequence_number,
          status: decoded.command_status,
          bind,
        });
        if (decoded.command === 'bind_transceiver') {
          socket.write(encode('bind_transceiver_resp', { system_id: 'RAW' }, decoded.sequence_number));
          for (const waiter of bindWaiters.splice(0)) waiter(socket);
        } else if (decoded.command === 'enquire_link') {
          socket.write(encode('enquire_link_resp', {}, decoded.sequence_number));
        } else if (decoded.command === 'unbind') {
          socket.write(encode('unbind_resp', {}, decoded.sequence_number));
          socket.end();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    binds: () => binds,
    /** The socket of the next bind the engine makes (call it before the bind happens). */
    nextBind: () =>
      within(new Promise<Socket>((resolve) => bindWaiters.push(resolve)), 3_000, 'a bind on the raw SMSC'),
    /** The engine's answer (deliver_sm_resp or generic_nack) to the request with this sequence number. */
    answerTo: (sequence: number) =>
      seen.find(
        (s) => s.sequence === sequence && (s.command === 'deliver_sm_resp' || s.command === 'generic_nack'),
      ),
  };
}

/**
 * The engine bound to a raw SMSC, storing every delivery (answered 0) and noting what it could not
 * read and why its links ended; `socket` is the first bind's, to write hand-made bytes on.
 */
export async function boundEngine(defer: ReturnType<typeof useCleanup>) {
  const smsc = await rawSmsc(defer);
  const firstBind = smsc.nextBind();
  const client = engineFor(defer, smsc.port, { enquireLinkIntervalMs: 60_000 });
  const handled: DeliverSm[] = [];
  client.onDeliver(async (delivery) => {
    handled.push(delivery);
    return 0;
  });
  const unreadable: UnreadablePdu[] = [];
  client.on('unreadable-pdu', (event) => unreadable.push(event));
  const disconnects: string[] = [];
  client.on('disconnected', (event) => disconnects.push(event.reason));
  await startBound(client);
  return { smsc, client, socket: await firstBind, handled, unreadable, disconnects };
}
