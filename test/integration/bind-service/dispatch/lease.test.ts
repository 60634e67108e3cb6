import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#bind-service/config.ts';
import { ROSTER_SIZE, rosterKey } from '#bind-service/dispatch/binds/task-roster.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import { type BindService, startBindService } from '#bind-service/service.ts';
import { freePort } from '#local/ports.ts';
import { type SessionClosedEvent, SmscSimulator } from '#local/smsc-simulator/index.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { startTcpProxy } from '#test/helpers/net/tcp-proxy.ts';
import { boundClient } from '#test/helpers/smpp/simulator-client.ts';
import { elapse, waitUntil, within } from '#test/helpers/wait.ts';
import {
  ACCOUNT,
  FAST_SESSION,
  mobile,
  type Rig,
  sendLikeApi,
  serviceEnv,
  startRig,
  statusIs,
  useCleanup,
  waitForRecord,
} from './fixtures.ts';

// "One owner per login slot": the bind-service gives a slot up before its lease can lapse, and never
// binds again without holding it. Lease ttl 6 s here: the bind must be gone 4 s (2/3 ttl) after the
// last renewal that succeeded. Losing a slot stops that slot's session, not the service: it stays up
// and takes the slot again once it is free.

const TTL_MS = 6_000;
/** The unbind itself: a request and its answer on loopback, under a loaded machine. */
const UNBIND_MARGIN_MS = 1_500;
const LEASE_ENV = { LEASE_TTL_SECONDS: String(TTL_MS / 1000), DRAIN_SECONDS: '10' };

/** The service logged the loss of the login's (only) slot. */
const slotLost = (rig: Rig) => () =>
  rig.logs.some(
    (line) => line.msg === 'login slot lost; unbinding its session' && line.lease === ACCOUNT.systemId,
  );

/** Resolves with the time the service's session closed at the simulator, and why. */
function sessionClosed(rig: Rig): Promise<{ at: number; event: SessionClosedEvent }> {
  return new Promise((resolve) =>
    rig.simulator.once('session-closed', (event) => resolve({ at: Date.now(), event })),
  );
}

describe('bind-service login lease (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  const leaseItem = async (rig: Rig) =>
    (
      await aws.document.send(
        new GetCommand({
          TableName: rig.tables.messages,
          Key: { pk: `LEASE#${ACCOUNT.systemId}` },
          ConsistentRead: true,
        }),
      )
    ).Item;

  /** Another task takes the login over, as it may once our lease looks lapsed to it. */
  const takeOver = (rig: Rig) =>
    aws.document.send(
      new PutCommand({
        TableName: rig.tables.messages,
        Item: { pk: `LEASE#${ACCOUNT.systemId}`, owner: 'next-task', expiresAtMs: Date.now() + 60_000 },
      }),
    );

  it('when the lease store cannot be reached, then the bind is unbound within 2/3 of the ttl of the last renewal', async () => {
    // Prepare: the service reaches DynamoDB through a proxy the test can cut.
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(aws.dynamoEndpoint).port) });
    defer(() => proxy.close());
    const rig = await startRig(aws, defer, {
      env: { ...LEASE_ENV, AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${proxy.port}` },
    });
    const closed = sessionClosed(rig);
    // Act
    proxy.cut();
    const { at, event } = await within(closed, 3 * TTL_MS, 'the session to close');
    const lastRenewal = Number((await leaseItem(rig))?.expiresAtMs) - TTL_MS;
    await waitUntil(slotLost(rig), 5_000, 'the service to report the slot lost');
    await elapse(500);
    // Assess
    expect(event.reason).toBe('client unbind');
    expect(at - lastRenewal).toBeLessThanOrEqual((TTL_MS * 2) / 3 + UNBIND_MARGIN_MS);
    expect(rig.simulator.stats.binds).toBe(1);
    expect(rig.service.health().slots).toEqual({ held: 0, binds: 1 });
  });

  it('when another task takes the lease over with submits in flight, then it unbinds at once instead of draining', async () => {
    // Prepare: two submits the SMSC answers only after 8 s, well within the response timeout.
    const rig = await startRig(aws, defer, { env: { ...LEASE_ENV, SMPP_RESPONSE_TIMEOUT_SECONDS: '30' } });
    rig.simulator.fault({ type: 'slow', delayMs: 8_000, count: 2 });
    const ids = [
      await sendLikeApi(rig, { to: mobile(1), text: 'In flight 1' }),
      await sendLikeApi(rig, { to: mobile(2), text: 'In flight 2' }),
    ];
    await rig.simulator.waitFor(() => rig.simulator.stats.submits === 2, 5_000);
    const closed = sessionClosed(rig);
    // Act
    const takenAt = Date.now();
    await takeOver(rig);
    const { at, event } = await within(closed, 3 * TTL_MS, 'the session to close');
    // Assess
    expect(event.reason).toBe('client unbind');
    expect(at - takenAt).toBeLessThanOrEqual((TTL_MS * 2) / 3 + UNBIND_MARGIN_MS);
    await waitUntil(slotLost(rig), 5_000, 'the slot loss to be logged');
    // What was in flight is recorded after the unbind: unknown (the next owner's QUERY_SM tells), not resent.
    for (const id of ids) await waitForRecord(rig, id, statusIs('unknown'));
    expect(rig.simulator.stats.submits).toBe(2);
  });

  it('when the next owner binds and the SMSC ends our session, then we never bind again without the lease', async () => {
    // Prepare
    const rig = await startRig(aws, defer, { env: LEASE_ENV });
    await takeOver(rig);
    // Act: the next owner binds; without MCON the SMSC ends our session.
    const next = await boundClient(rig.simulator.port, ACCOUNT);
    defer(() => next.close());
    await waitUntil(slotLost(rig), 2 * TTL_MS, 'the service to report the slot lost');
    // Several roster rounds and slot retries (every 0.2 s): the slot stays assigned here, yet taken.
    await elapse(TTL_MS / 2);
    // Assess
    expect(rig.simulator.stats.binds).toBe(2);
    expect(rig.simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(1);
    expect(next.received.filter((pdu) => pdu.command === 'unbind')).toEqual([]);
  });
});

// A deploy: the new task starts beside the old one (100 % / 200 %), then the old one stops
// (docs/deploy.md). Both run in this process, on the same DynamoDB Local, queues and login.
describe('a deploy’s old and new task on one login (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  /** Starts a bind-service in this process; `startedAt` is when it logged its start. */
  const startTask = async (env: Record<string, string>, owner: string) => {
    let startedAt = 0;
    const log = bindServiceLogger('info', (line) => {
      if ((JSON.parse(line) as { msg?: string }).msg === 'bind-service started') startedAt = Date.now();
    });
    const service: BindService = await startBindService(loadConfig(env), {
      log,
      owner,
      session: FAST_SESSION,
    });
    defer(() => service.stop());
    return { service, startedAt: () => startedAt };
  };

  /** A simulator of the one login, and the service settings around it. */
  const setUp = async (lease: Record<string, string>) => {
    const [tables, queues] = await Promise.all([aws.freshTables(), aws.freshQueues()]);
    const simulator = new SmscSimulator({ accounts: [{ ...ACCOUNT, rate: 0 }], receiptDelayMs: 20 });
    await simulator.listen(0);
    defer(() => simulator.close());
    const env = { ...serviceEnv(aws, tables, queues, simulator.port), ...lease, DRAIN_SECONDS: '1' };
    return { tables, simulator, env };
  };

  it('when the old task stops gracefully, then the standby new task binds the login within a second of the release', async () => {
    // Prepare: the default ttl, so the roster is read every 5 s (a standby used to wait for that read).
    const ttlSeconds = 30;
    const tickMs = (ttlSeconds * 1000) / 6;
    const { simulator, env } = await setUp({
      LEASE_TTL_SECONDS: String(ttlSeconds),
      LEASE_RETRY_SECONDS: '0.2',
    });
    const old = await startTask(env, 'old-task');
    await old.service.whenBound();
    const fresh = await startTask(env, 'new-task');
    await waitUntil(() => fresh.service.health().status === 'standby', 15_000, 'the new task to stand by');
    // The old task stops just after one of the new task's roster reads: the worst moment for them.
    const sinceStart = Date.now() - fresh.startedAt();
    await elapse(tickMs - (sinceStart % tickMs) + 300);

    // Act
    await old.service.stop();
    const releasedAt = Date.now();
    // Bound on both ends: the simulator counts the session at its bind_resp, the task only once it
    // has read that answer (CI once read the health between the two).
    await waitUntil(
      () => simulator.boundSessions(ACCOUNT.systemId).length === 1 && fresh.service.health().status === 'ok',
      tickMs + 5_000,
      'the new task to bind',
    );
    const gapMs = Date.now() - releasedAt;

    // Assess: the standby checks every 0.5 s; 1.5 s leaves a loaded machine room for the bind.
    expect(gapMs).toBeLessThanOrEqual(1_500);
    expect(simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(1);
  }, 60_000);

  it('when the new task takes a lower roster index than the running one (left by the deploy before), then it stands by and the running task keeps the login', async () => {
    // Prepare: the task of the deploy before last held roster index 0 and is gone (its lease lapses
    // in 2 s), so the running task sits at index 1 and the new one joins at index 0.
    const { tables, simulator, env } = await setUp({ LEASE_TTL_SECONDS: '6', LEASE_RETRY_SECONDS: '0.2' });
    await aws.document.send(
      new PutCommand({
        TableName: tables.messages,
        Item: { pk: `LEASE#${rosterKey(0)}`, owner: 'earlier-task', expiresAtMs: Date.now() + 2_000 },
      }),
    );
    const running = await startTask(env, 'running-task');
    await waitUntil(() => running.service.health().status === 'ok', 20_000, 'the running task to bind');
    await elapse(2_500);

    // Act
    const fresh = await startTask(env, 'new-task');
    await waitUntil(() => fresh.service.health().status === 'standby', 15_000, 'the new task to stand by');
    await elapse(3_000);

    // Assess: before, the new task ranked first and the running task gave it the login's session
    // before the new one had shown it could bind.
    expect({
      running: running.service.health().status,
      fresh: fresh.service.health().status,
      sessions: simulator.boundSessions(ACCOUNT.systemId).length,
      binds: simulator.stats.binds,
    }).toEqual({ running: 'ok', fresh: 'standby', sessions: 1, binds: 1 });
  }, 60_000);

  it('when a new task with binds 1 (no MCON) ranks first while the old MCON2 task holds slot 1, then it stands by and no session of the login is kicked', async () => {
    // Prepare: a deploy lowering MCON2 (2 binds) to no MCON (1 bind). Slot 0's lease is both
    // configs' (LEASE#dispatch), slot 1's (LEASE#dispatch#2) the old one's only. Without MCON a bind
    // ends the login's older session, so the new task must not bind while slot 1 is held.
    const { tables, simulator, env } = await setUp({ LEASE_TTL_SECONDS: '6', LEASE_RETRY_SECONDS: '0.2' });
    // A task of an earlier deploy held roster index 0 and is gone (its lease lapses in 2 s): the old
    // task joins at index 1, and the new one at index 0 (it ranks second all the same: tasks rank by
    // when they joined, and the old task gives it slot 1, which its one bind never uses).
    await aws.document.send(
      new PutCommand({
        TableName: tables.messages,
        Item: { pk: `LEASE#${rosterKey(0)}`, owner: 'earlier-task', expiresAtMs: Date.now() + 2_000 },
      }),
    );
    const old = await startTask({ ...env, SMPP_SYSTEM_TYPE: 'MCON2', SMPP_BINDS: '2' }, 'old-task');
    await waitUntil(
      () => simulator.boundSessions(ACCOUNT.systemId).length === 2,
      20_000,
      'the old task to bind both slots',
    );
    const kicks: unknown[] = [];
    simulator.on('kick', (event) => kicks.push(event));

    // Act: the new task starts; the old one gives slot 1 up to it. Then the deploy stops the old one.
    const fresh = await startTask({ ...env, SMPP_SYSTEM_TYPE: '', SMPP_BINDS: '1' }, 'new-task');
    await waitUntil(
      () =>
        simulator.boundSessions(ACCOUNT.systemId).length === 1 &&
        ['standby', 'ok'].includes(fresh.service.health().status),
      20_000,
      'the old task to give slot 0 up and the new one to settle',
    );
    await elapse(2_000);
    const whileOldRuns = {
      kicks: [...kicks],
      status: fresh.service.health().status,
      sessions: simulator.boundSessions(ACCOUNT.systemId).map((session) => session.systemType),
    };
    await old.service.stop();
    await waitUntil(() => fresh.service.health().status === 'ok', 10_000, 'the new task to bind');

    // Assess: healthy while waiting (ECS stops the old task only then), and never a kick.
    expect(whileOldRuns).toEqual({ kicks: [], status: 'standby', sessions: ['MCON2'] });
    expect(kicks).toEqual([]);
    expect(simulator.stats.kicked).toBe(0);
    expect(simulator.boundSessions(ACCOUNT.systemId).map((session) => session.systemType)).toEqual(['']);
  }, 60_000);

  it('when the new task cannot reach the SMSC, then it answers /healthz 503 naming the host it tried while it stands by, and the running task keeps the login', async () => {
    // Prepare: the new revision's SMSC address is wrong (or its egress blocked).
    const { simulator, env } = await setUp({ LEASE_TTL_SECONDS: '6', LEASE_RETRY_SECONDS: '0.2' });
    const running = await startTask(env, 'running-task');
    await waitUntil(() => running.service.health().status === 'ok', 20_000, 'the running task to bind');
    const wrongPort = await freePort();
    // Act
    const fresh = await startTask({ ...env, SMPP_PORT: String(wrongPort) }, 'new-task');
    await waitUntil(
      () => /ECONNREFUSED/.test(fresh.service.health().accounts[0]?.problem ?? ''),
      15_000,
      'the new task to try the SMSC',
    );
    const answer = await fetch(`${fresh.service.url}/healthz`);
    const body = (await answer.json()) as {
      status: string;
      accounts: { status: string; problem?: string }[];
    };
    // Assess: before, it answered 200 `standby`, so ECS stopped the running task and the login was
    // left without a session (the new task cannot bind) and nothing rolled back.
    expect({ http: answer.status, status: body.status, account: body.accounts[0]?.status }).toEqual({
      http: 503,
      status: 'unavailable',
      account: 'unavailable',
    });
    expect(body.accounts[0]?.problem).toContain(`127.0.0.1:${wrongPort}: `);
    expect({
      running: running.service.health().status,
      sessions: simulator.boundSessions(ACCOUNT.systemId).length,
      binds: simulator.stats.binds,
    }).toEqual({ running: 'ok', sessions: 1, binds: 1 });
  }, 60_000);

  it('when every roster index is held by live tasks, then one more task stands by (200), binding nothing', async () => {
    // Prepare: 32 live tasks of the deployment, written straight into the roster.
    const { tables, simulator, env } = await setUp({ LEASE_TTL_SECONDS: '6', LEASE_RETRY_SECONDS: '0.2' });
    for (let index = 0; index < ROSTER_SIZE; index++) {
      await aws.document.send(
        new PutCommand({
          TableName: tables.messages,
          Item: {
            pk: `LEASE#${rosterKey(index)}`,
            owner: `task-${index}`,
            expiresAtMs: Date.now() + 120_000,
          },
        }),
      );
    }
    // Act
    const extra = await startTask(env, 'task-33');
    await waitUntil(
      () => extra.service.health().status !== 'unavailable',
      10_000,
      'the extra task to settle',
    );
    const answer = await fetch(`${extra.service.url}/healthz`);
    const body = (await answer.json()) as { status: string; slots: { held: number } };
    // Assess: before, it was assigned nothing at all (neither standby nor bound): 503, replaced by
    // ECS in a loop.
    expect({ http: answer.status, status: body.status, held: body.slots.held }).toEqual({
      http: 200,
      status: 'standby',
      held: 0,
    });
    expect(simulator.boundSessions(ACCOUNT.systemId)).toEqual([]);
    expect(simulator.stats.binds).toBe(0);
  }, 60_000);
});
