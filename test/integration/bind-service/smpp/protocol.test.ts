// Protocol edges the simulator never produces (it only speaks valid SMPP): a bare server from the
// smpp package binds the engine, then writes raw bytes at it.
import { describe, expect, it } from 'vitest';
import { UnreadableAnswerError } from '#bind-service/smpp/errors.ts';
import type { UnreadablePdu } from '#bind-service/smpp/index.ts';
import { type PDU, type Session, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';
import { within } from '#test/helpers/wait.ts';
import { engineFor, listenUntilCleanup, nextEvent, sms, startBound, useCleanup } from './fixtures.ts';
import { cstring, header } from './raw-smsc.ts';

/**
 * Accepts every bind and hands each bound server-side session to the test; `bindAnswer`, when
 * given, writes its bytes as the bind's answer instead of a well-formed bind_transceiver_resp.
 */
async function bareServer(defer: ReturnType<typeof useCleanup>, bindAnswer?: (sequence: number) => Buffer) {
  const sessions: Session[] = [];
  const listeners: ((session: Session) => void)[] = [];
  const server = smpp.createServer({}, (session) => {
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: PDU) => {
      if (bindAnswer) session.socket.write(bindAnswer(pdu.sequence_number));
      else session.send(pdu.response({ system_id: 'BARE' }));
      sessions.push(session);
      for (const listener of listeners) listener(session);
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
  });
  const port = await listenUntilCleanup(server, sessions, defer);
  const nextBound = () =>
    within(new Promise<Session>((resolve) => listeners.push(resolve)), 3_000, 'a bind on the bare server');
  return { port, sessions, nextBound };
}

describe('engine protocol edges', () => {
  const defer = useCleanup();

  it('when the server sends a request with an unknown command id, then the engine answers generic_nack ESME_RINVCMDID', async () => {
    // Prepare
    const server = await bareServer(defer);
    const bound = server.nextBound();
    const client = engineFor(defer, server.port);
    await startBound(client);
    const session = await bound;
    const nack = within(
      new Promise<PDU>((resolve) => session.on('generic_nack', resolve)),
      3_000,
      'the generic_nack',
    );
    // Act
    session.socket.write(header(0x00000777, 4242));
    const answer = await nack;
    // Assess
    expect(answer.sequence_number).toBe(4242);
    expect(answer.command_status).toBe(0x03);
    expect(client.isBound).toBe(true);
  });

  it('when the server sends an unparseable PDU, then the engine drops the wedged link and binds again', async () => {
    // Prepare
    const server = await bareServer(defer);
    const first = server.nextBound();
    const client = engineFor(defer, server.port);
    await startBound(client);
    const session = await first;
    const disconnected = nextEvent(client, 'disconnected');
    const second = server.nextBound();
    const rebound = nextEvent(client, 'bound');
    // Act
    session.socket.write(header(0x00000015, 1, 0x00ffffff));
    const event = await disconnected;
    await second;
    await rebound;
    // Assess
    expect(event.reason).toBe('protocol-error');
    expect(server.sessions).toHaveLength(2);
  });

  it('when the server sends a request and an unparseable PDU in one write, then the answer to the request still leaves before the link is dropped', async () => {
    // Prepare: the engine's writes of one turn are held until the turn ends (turn-cork.ts); the
    // drop comes in the same turn as the answer.
    const server = await bareServer(defer);
    const bound = server.nextBound();
    const client = engineFor(defer, server.port);
    await startBound(client);
    const session = await bound;
    const answer = within(
      new Promise<PDU>((resolve) => session.on('enquire_link_resp', resolve)),
      3_000,
      'the enquire_link_resp',
    );
    const disconnected = nextEvent(client, 'disconnected');
    // Act
    session.socket.write(Buffer.concat([header(0x00000015, 4343), header(0x00000015, 1, 0x00ffffff)]));
    // Assess
    expect((await answer).sequence_number).toBe(4343);
    expect((await disconnected).reason).toBe('protocol-error');
  });
});

/** A response PDU: its header, then `body` (the bytes a test breaks). */
function response(commandId: number, sequence: number, status: number, body: Buffer): Buffer {
  const head = header(commandId, sequence, 16 + body.length);
  head.writeUInt32BE(status, 8);
  return Buffer.concat([head, body]);
}

/**
 * message_state (an int8 TLV) declaring the one octet it holds, the body ending before it: the
 * package reads past the PDU. (One of length 0 is read as absent: smpp-package.ts.)
 */
const EMPTY_MESSAGE_STATE = Buffer.from([0x04, 0x27, 0x00, 0x01]);

describe('engine facing a response whose body cannot be read', () => {
  const defer = useCleanup();

  /** Bound to a bare server that answers each submit_sm with `answer(sequence)`. */
  async function boundAnswering(answer: (sequence: number) => Buffer, responseTimeoutMs = 10_000) {
    const server = await bareServer(defer);
    const bound = server.nextBound();
    const client = engineFor(defer, server.port, { responseTimeoutMs });
    const unreadable: UnreadablePdu[] = [];
    client.on('unreadable-pdu', (event) => unreadable.push(event));
    await startBound(client);
    const session = await bound;
    const submits: number[] = [];
    session.on('submit_sm', (pdu: PDU) => {
      submits.push(pdu.sequence_number);
      session.socket.write(answer(pdu.sequence_number));
    });
    session.on('query_sm', (pdu: PDU) => session.socket.write(answer(pdu.sequence_number)));
    return { server, client, unreadable, submits };
  }

  it('when bind_transceiver_resp says ESME_ROK and ends in an sc_interface_version cut off, then the engine is bound on that first bind', async () => {
    // Prepare: the body's system_id, then the int8 TLV 0x0210 declaring an octet that never comes.
    const server = await bareServer(defer, (sequence) =>
      response(
        0x80000009,
        sequence,
        0,
        Buffer.concat([cstring('RAW'), Buffer.from([0x02, 0x10, 0x00, 0x01])]),
      ),
    );
    const client = engineFor(defer, server.port, { bindTimeoutMs: 2_000 });
    const unreadable: UnreadablePdu[] = [];
    client.on('unreadable-pdu', (event) => unreadable.push(event));
    // Act
    await startBound(client, 1_500);
    // Assess
    expect(client.isBound).toBe(true);
    expect(server.sessions).toHaveLength(1);
    expect(unreadable).toEqual([expect.objectContaining({ commandId: 0x80000009, sequenceNumber: 1 })]);
    expect(unreadable[0]?.answeredStatus).toBeUndefined();
  });

  it('when submit_sm_resp says ESME_ROK with a message_id and ends in a TLV cut off, then the submit is accepted under that id at once', async () => {
    // Prepare
    const { client, unreadable } = await boundAnswering((sequence) =>
      response(0x80000004, sequence, 0, Buffer.concat([cstring('1000001'), EMPTY_MESSAGE_STATE])),
    );
    // Act: well within the response timeout (10 s), so only the answer can settle it.
    const outcome = await within(client.submit(sms(1)), 2_000, 'the submit outcome');
    // Assess
    expect(outcome).toEqual({ kind: 'accepted', messageId: '1000001' });
    expect(unreadable).toEqual([expect.objectContaining({ commandId: 0x80000004 })]);
  });

  it('when submit_sm_resp says ESME_ROK but its message_id cannot be read either, then the submit is unknown at once, as for a generic_nack with status 0, and is not sent again', async () => {
    // Prepare: a control octet in the message_id: not an id the SMSC gave.
    const { client, submits } = await boundAnswering((sequence) =>
      response(0x80000004, sequence, 0, Buffer.concat([cstring('10\u0001'), EMPTY_MESSAGE_STATE])),
    );
    // Act
    const outcome = await within(client.submit(sms(2)), 2_000, 'the submit outcome');
    // Assess
    expect(outcome).toEqual({ kind: 'unknown', reason: 'generic-nack' });
    expect(submits).toHaveLength(1);
  });

  it('when submit_sm_resp refuses (ESME_RSUBMITFAIL) and its body cannot be read, then the submit is rejected with that status at once', async () => {
    // Prepare
    const { client } = await boundAnswering((sequence) =>
      response(0x80000004, sequence, 0x45, Buffer.concat([cstring(''), EMPTY_MESSAGE_STATE])),
    );
    // Act
    const outcome = await within(client.submit(sms(3)), 2_000, 'the submit outcome');
    // Assess
    expect(outcome).toMatchObject({ kind: 'rejected', commandStatus: 0x45 });
  });

  it('when query_sm_resp says ESME_ROK and its body cannot be read, then the query fails at once and no message_state is made up', async () => {
    // Prepare
    const { client } = await boundAnswering((sequence) =>
      response(
        0x80000003,
        sequence,
        0,
        Buffer.concat([cstring('1000001'), cstring(''), Buffer.from([2, 0]), EMPTY_MESSAGE_STATE]),
      ),
    );
    // Act
    const query = within(
      client.queryStatus('1000001').then(
        () => undefined,
        (error: unknown) => error,
      ),
      2_000,
      'the query to settle',
    );
    // Assess
    expect(await query).toBeInstanceOf(UnreadableAnswerError);
  });
});
