import { describe, expect, it } from 'vitest';
import { type PDU, type Session, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import {
  ACCOUNT,
  engineFor,
  listenUntilCleanup,
  nextEvent,
  recordEvents,
  sms,
  startBound,
  startSimulator,
  useCleanup,
} from './fixtures.ts';

/**
 * An SMSC that can forget the binds it holds while their sockets stay open, and then answers
 * enquire_link ESME_RINVBNDSTS on them (the simulator always answers it OK). Submits are answered
 * after `submitAnswerMs`, with ESME_RINVBNDSTS once forgotten.
 */
async function forgetfulSmsc(defer: ReturnType<typeof useCleanup>, submitAnswerMs = 0) {
  const sessions: Session[] = [];
  const bound = new Set<Session>();
  let binds = 0;
  const server = smpp.createServer({}, (session) => {
    sessions.push(session);
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: PDU) => {
      binds += 1;
      bound.add(session);
      session.send(pdu.response({ system_id: 'SMSC' }));
    });
    session.on('enquire_link', (pdu: PDU) =>
      session.send(pdu.response(bound.has(session) ? {} : { command_status: CommandStatus.ESME_RINVBNDSTS })),
    );
    session.on('submit_sm', (pdu: PDU) =>
      setTimeout(() => {
        const status = bound.has(session) ? CommandStatus.ESME_ROK : CommandStatus.ESME_RINVBNDSTS;
        session.send(pdu.response({ command_status: status, message_id: status ? '' : '1000' }));
      }, submitAnswerMs),
    );
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
  });
  const port = await listenUntilCleanup(server, sessions, defer);
  return {
    port,
    binds: () => binds,
    forget: () => bound.clear(),
  };
}

describe('engine bind and keep-alive', () => {
  const defer = useCleanup();

  it('when the engine binds, then the simulator sees a transceiver with interface 0x34 and our system_type', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { systemType: 'MCON2,ISO,SINGLE' });
    const bound = nextEvent(client, 'bound');
    // Act
    client.start();
    const event = await bound;
    // Assess
    expect(event).toEqual({ host: '127.0.0.1', port: simulator.port });
    expect(client.isBound).toBe(true);
    expect(simulator.boundSessions(ACCOUNT.systemId)).toEqual([
      expect.objectContaining({
        interfaceVersion: 0x34,
        systemType: 'MCON2,ISO,SINGLE',
        mode: 'transceiver',
      }),
    ]);
  });

  it('when idle well past the server idle timeout, then enquire_link keeps the same session bound', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { idleTimeoutMs: 400 });
    const client = engineFor(defer, simulator.port, { enquireLinkIntervalMs: 150 });
    const events = recordEvents(client, ['disconnected', 'connecting']);
    await startBound(client);
    const [session] = simulator.boundSessions(ACCOUNT.systemId);
    const started = performance.now();
    // Act
    await simulator.waitFor(() => simulator.stats.enquireLinks >= 9, 3_000);
    // Assess
    expect(performance.now() - started).toBeGreaterThan(1_200);
    expect(simulator.boundSessions(ACCOUNT.systemId)).toEqual([
      expect.objectContaining({ sessionId: session?.sessionId }),
    ]);
    expect(simulator.stats.idleTimeouts).toBe(0);
    expect(simulator.stats.binds).toBe(1);
    expect(events.map((e) => e.name)).toEqual(['connecting']);
  });

  it('when the server stops answering enquire_link, then the engine drops the link and rebinds', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, {
      enquireLinkIntervalMs: 100,
      enquireLinkTimeoutMs: 200,
    });
    await startBound(client);
    const disconnect = nextEvent(client, 'disconnected');
    const rebound = nextEvent(client, 'bound');
    // Act
    simulator.stopAnsweringEnquireLink(ACCOUNT.systemId);
    const disconnected = await disconnect;
    simulator.stopAnsweringEnquireLink(ACCOUNT.systemId, false);
    await rebound;
    // Assess
    expect(disconnected.reason).toBe('enquire-link-timeout');
    expect(simulator.stats.binds).toBe(2);
    expect(client.isBound).toBe(true);
  });

  it('when the server answers enquire_link with ESME_RINVBNDSTS, then the engine drops the link and rebinds', async () => {
    // Prepare
    const smsc = await forgetfulSmsc(defer);
    const client = engineFor(defer, smsc.port, { enquireLinkIntervalMs: 100 });
    await startBound(client);
    const disconnect = nextEvent(client, 'disconnected');
    const rebound = nextEvent(client, 'bound');
    // Act
    smsc.forget();
    const disconnected = await disconnect;
    await rebound;
    // Assess
    expect(disconnected).toMatchObject({ reason: 'unbind', inFlight: 0 });
    expect(smsc.binds()).toBe(2);
    expect(client.isBound).toBe(true);
  });

  it('when enquire_link is answered ESME_RINVBNDSTS with a submit in flight, then nothing more is taken and the engine rebinds once that submit is answered', async () => {
    // Prepare: submits are answered after 800 ms, keep-alives go every 100 ms.
    const smsc = await forgetfulSmsc(defer, 800);
    const client = engineFor(defer, smsc.port, { enquireLinkIntervalMs: 100 });
    await startBound(client);
    const rebound = nextEvent(client, 'bound');
    smsc.forget();
    let inFlightAnswered = false;
    const inFlight = client.submit(sms(1)).finally(() => {
      inFlightAnswered = true;
    });
    // Act
    await waitUntil(() => !client.isBound, 600, 'the keep-alive to hear ESME_RINVBNDSTS');
    const held = { inFlightAnswered, slots: client.availableSlots, binds: smsc.binds() };
    const meanwhile = await client.submit(sms(2));
    const answered = await inFlight;
    await rebound;
    // Assess
    expect(held).toEqual({ inFlightAnswered: false, slots: 0, binds: 1 });
    expect(meanwhile).toEqual({ kind: 'not-sent', reason: 'not-bound' });
    expect(answered).toMatchObject({ kind: 'rejected', commandStatus: CommandStatus.ESME_RINVBNDSTS });
    expect({ binds: smsc.binds(), slots: client.availableSlots > 0 }).toEqual({ binds: 2, slots: true });
  });
});
