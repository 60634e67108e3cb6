// Protocol edges the simulator never produces (it only speaks valid SMPP): a bare server from the
// smpp package binds the engine, then writes raw bytes at it.
import { describe, expect, it } from 'vitest';
import { type PDU, type Session, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';
import { within } from '#test/helpers/wait.ts';
import { engineFor, listenUntilCleanup, nextEvent, startBound, useCleanup } from './fixtures.ts';
import { header } from './raw-smsc.ts';

/** Accepts every bind and hands each bound server-side session to the test. */
async function bareServer(defer: ReturnType<typeof useCleanup>) {
  const sessions: Session[] = [];
  const listeners: ((session: Session) => void)[] = [];
  const server = smpp.createServer({}, (session) => {
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: PDU) => {
      session.send(pdu.response({ system_id: 'BARE' }));
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
