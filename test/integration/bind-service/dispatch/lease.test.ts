import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { SessionClosedEvent } from '#local/smsc-simulator/index.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { startTcpProxy } from '#test/helpers/net/tcp-proxy.ts';
import { boundClient } from '#test/helpers/smpp/simulator-client.ts';
import { elapse, waitUntil, within } from '#test/helpers/wait.ts';
import {
  ACCOUNT,
  mobile,
  type Rig,
  sendLikeApi,
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
