import { describe, expect, it } from 'vitest';
import { slotKey } from '#bind-service/dispatch/binds/login-lease.ts';
import { LeaseRepository } from '#core/aws/lease.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { ACCOUNT, SECRET_LOGIN_ENV, startRig, useCleanup } from '../dispatch/fixtures.ts';

describe('a login refused after a password change (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a slot is taken after the changed secret was accepted, then its session binds with the new password at once', async () => {
    // Prepare: two slots of the login; another task holds slot 1, so this one binds slot 0 alone.
    let secret: { systemId: string; password: string } = { ...ACCOUNT };
    const otherTask = 'another-task#1';
    let leases: LeaseRepository | undefined;
    const rig = await startRig(aws, defer, {
      env: { ...SECRET_LOGIN_ENV, SMPP_SYSTEM_TYPE: 'MCON2', SMPP_BINDS: '2' },
      deps: { readSecret: async () => JSON.stringify(secret) },
      beforeStart: async ({ tables }) => {
        leases = new LeaseRepository(aws.document, tables.messages);
        await leases.acquireLease(slotKey(ACCOUNT.systemId, 1), otherTask, 60_000);
      },
    });
    expect(rig.simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(1);
    // The provider changes the password and ends the session; the changed secret binds it again.
    rig.simulator.scriptLogin(ACCOUNT.systemId, { password: 'fake-rotated' });
    rig.simulator.kick(ACCOUNT.systemId);
    await waitUntil(
      () => rig.service.health().binds.some((bind) => bind.problem?.kind === 'login-refused'),
      5_000,
      'health to name the refused login',
    );
    secret = { ...secret, password: 'fake-rotated' };
    await waitUntil(() => rig.service.health().status === 'ok', 5_000, 'the bind with the changed secret');
    const refusedBefore = rig.simulator.stats.bindFailures;

    // Act: the other task lets slot 1 go; this task takes it and opens its session.
    await leases?.releaseLease(slotKey(ACCOUNT.systemId, 1), otherTask);
    await waitUntil(
      () =>
        rig.simulator.boundSessions(ACCOUNT.systemId).length === 2 ||
        rig.simulator.stats.bindFailures > refusedBefore,
      10_000,
      'the second slot to bind (or be refused)',
    );

    // Assess
    expect(rig.simulator.stats.bindFailures - refusedBefore).toBe(0);
    expect(rig.simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(2);
  });

  it('when the secret’s system_id is corrected after a refused login, then no bind is tried under the old one and /healthz says a restart binds under it', async () => {
    // Prepare: the secret names a system_id the SMSC does not know (ESME_RINVSYSID).
    let secret: { systemId: string; password: string } = {
      systemId: 'acme-typo',
      password: ACCOUNT.password,
    };
    const rig = await startRig(aws, defer, {
      env: SECRET_LOGIN_ENV,
      deps: { readSecret: async () => JSON.stringify(secret) },
      waitForBind: false,
    });
    const problem = () => rig.service.health().binds.find((bind) => bind.problem)?.problem;
    await waitUntil(() => problem()?.kind === 'login-refused', 5_000, 'health to name the refused login');
    const refusedBefore = rig.simulator.stats.bindFailures;
    // Act: the operator corrects the system_id (and the password with it).
    secret = { ...ACCOUNT };
    await waitUntil(() => (problem()?.code ?? '').includes('restart'), 5_000, 'health to ask for a restart');
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Assess: before, the new password went out under the old system_id, was refused, and the
    // session then waited for ever for another password.
    expect(rig.simulator.stats.bindFailures).toBe(refusedBefore);
    expect(problem()?.code).toContain('restart the service to bind under it');
  });
});
