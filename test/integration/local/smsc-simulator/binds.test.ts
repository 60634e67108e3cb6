import { afterEach, describe, expect, it } from 'vitest';
import { connectClient } from '#test/helpers/smpp/simulator-client.ts';
import { ACCOUNT, SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RINVBNDSTS = 0x04;
const ESME_RBINDFAIL = 0x0d;
const ESME_RINVPASWD = 0x0e;
const ESME_RINVSYSID = 0x0f;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

describe('simulator binds', () => {
  it('when the system_id is unknown, then the bind is refused with ESME_RINVSYSID', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.connect(simulator);
    // Act
    const response = await client.bind({ systemId: 'nobody', password: ACCOUNT.password });
    // Assess
    expect(response.command).toBe('bind_transceiver_resp');
    expect(response.command_status).toBe(ESME_RINVSYSID);
    expect(simulator.stats.bindFailures).toBe(1);
    expect(simulator.boundSessions()).toEqual([]);
  });

  it('when the password is wrong, then the bind is refused with ESME_RINVPASWD', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.connect(simulator);
    // Act
    const response = await client.bind({ systemId: ACCOUNT.systemId, password: 'wrong' });
    // Assess
    expect(response.command_status).toBe(ESME_RINVPASWD);
  });

  it('when the credentials are right, then the bind answers SMSC and records system_type and version', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.connect(simulator);
    // Act
    const response = await client.bind({ ...ACCOUNT, systemType: 'iso,Single' });
    // Assess
    expect(response.command_status).toBe(0);
    expect(response.system_id).toBe('SMSC');
    expect(simulator.boundSessions()).toEqual([
      expect.objectContaining({ systemId: 'acme', systemType: 'iso,Single', interfaceVersion: 0x34 }),
    ]);
  });

  it('when a transmitter or receiver binds, then it is accepted with its own response command', async () => {
    // Prepare
    const simulator = await harness.start();
    const transmitter = await harness.connect(simulator);
    const receiver = await harness.connect(simulator);
    // Act
    const tx = await transmitter.bind({ ...ACCOUNT, command: 'bind_transmitter', systemType: 'MCON2' });
    const rx = await receiver.bind({ ...ACCOUNT, command: 'bind_receiver', systemType: 'MCON2' });
    // Assess
    expect([tx.command, tx.command_status]).toEqual(['bind_transmitter_resp', 0]);
    expect([rx.command, rx.command_status]).toEqual(['bind_receiver_resp', 0]);
    expect(simulator.boundSessions().map((s) => s.mode)).toEqual(['transmitter', 'receiver']);
  });

  it('when a submit_sm comes before bind, then it is refused with ESME_RINVBNDSTS but enquire_link works', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.connect(simulator);
    // Act
    const submit = await client.submit({ destination_addr: '79990000001', short_message: Buffer.from('hi') });
    const enquire = await client.request('enquire_link');
    // Assess
    expect(submit.command_status).toBe(ESME_RINVBNDSTS);
    expect([enquire.command, enquire.command_status]).toEqual(['enquire_link_resp', 0]);
  });

  it('when binds are scripted to fail, then they get that status until cleared', async () => {
    // Prepare
    const simulator = await harness.start();
    simulator.refuseBinds(ESME_RBINDFAIL);
    const client = await harness.connect(simulator);
    // Act
    const refused = await client.bind(ACCOUNT);
    simulator.refuseBinds();
    const accepted = await client.bind(ACCOUNT);
    // Assess
    expect(refused.command_status).toBe(ESME_RBINDFAIL);
    expect(accepted.command_status).toBe(0);
  });

  it('when the same login binds again, then the first session gets unbind and is closed', async () => {
    // Prepare
    const simulator = await harness.start();
    const first = await harness.bind(simulator);
    // Act
    const second = await harness.bind(simulator);
    await first.closed;
    // Assess
    expect(first.received.map((pdu) => pdu.command)).toContain('unbind');
    expect(simulator.boundSessions()).toHaveLength(1);
    expect(simulator.stats.kicked).toBe(1);
    const enquire = await second.request('enquire_link');
    expect(enquire.command_status).toBe(0);
  });

  it('when MCON2 is set, then two sessions live together and a third ends the oldest', async () => {
    // Prepare
    const simulator = await harness.start();
    const first = await harness.bind(simulator, { systemType: 'MCON2' });
    const second = await harness.bind(simulator, { systemType: 'MCON2' });
    expect(simulator.boundSessions()).toHaveLength(2);
    // Act
    const third = await harness.bind(simulator, { systemType: 'MCON2' });
    await first.closed;
    // Assess
    expect(first.received.map((pdu) => pdu.command)).toEqual(['unbind']);
    const live = simulator.boundSessions().map((s) => s.remotePort);
    expect(live).toEqual([second.session.socket.localPort, third.session.socket.localPort]);
  });

  it('when a session stays silent longer than the idle timeout, then it gets unbind and is closed', async () => {
    // Prepare
    const simulator = await harness.start({ idleTimeoutMs: 300 });
    const client = await harness.bind(simulator);
    const started = Date.now();
    // Act
    await client.closed;
    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(client.received.map((pdu) => pdu.command)).toEqual(['unbind']);
    expect(simulator.stats.idleTimeouts).toBe(1);
  });

  it('when enquire_link keeps coming, then the idle timeout does not end the session', async () => {
    // Prepare
    const simulator = await harness.start({ idleTimeoutMs: 300 });
    const client = await harness.bind(simulator);
    // Act
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.request('enquire_link');
    }
    // Assess
    expect(simulator.boundSessions()).toHaveLength(1);
    expect(simulator.stats.enquireLinks).toBe(6);
  });

  it('when enquire_link answers are stopped for a login, then its enquire_link goes unanswered', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.stopAnsweringEnquireLink(ACCOUNT.systemId);
    // Act
    const silent = client.request('enquire_link', {}, 300);
    // Assess
    await expect(silent).rejects.toThrow(/no answer/);
    simulator.clearFaults();
    await expect(client.request('enquire_link')).resolves.toMatchObject({ command_status: 0 });
  });

  it('when a login is kicked, then its session gets unbind and is closed', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    // Act
    simulator.kick(ACCOUNT.systemId);
    await client.closed;
    // Assess
    expect(client.received.map((pdu) => pdu.command)).toEqual(['unbind']);
    expect(simulator.stats.kicked).toBe(1);
    await simulator.waitFor(() => simulator.boundSessions().length === 0);
  });

  it('when the client unbinds, then it gets unbind_resp and the session is closed', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    // Act
    const response = await client.request('unbind');
    await client.closed;
    // Assess
    expect([response.command, response.command_status]).toEqual(['unbind_resp', 0]);
    expect(simulator.boundSessions()).toEqual([]);
  });

  it('when a client sends a PDU that cannot be parsed, then its session is closed and others keep working', async () => {
    // Prepare
    const simulator = await harness.start();
    const broken = await harness.bind(simulator, { systemType: 'MCON2' });
    const healthy = await harness.bind(simulator, { systemType: 'MCON2' });
    const oversized = Buffer.alloc(16);
    oversized.writeUInt32BE(0x00100000, 0);
    // Act
    broken.session.socket.write(oversized);
    await broken.closed;
    // Assess
    await expect(healthy.request('enquire_link')).resolves.toMatchObject({ command_status: 0 });
    await simulator.waitFor(() => simulator.boundSessions().length === 1);
  });

  it('when the simulator closes, then every client is disconnected and close can be called again', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await connectClient(simulator.port);
    await client.bind(ACCOUNT);
    // Act
    await simulator.close();
    await client.closed;
    // Assess
    await expect(simulator.close()).resolves.toBeUndefined();
  });
});
