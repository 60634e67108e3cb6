import { beforeEach, describe, expect, it } from 'vitest';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { LeaseRepository } from '#core/aws/lease.ts';
import { useLocalAws } from '#test/helpers/local-aws.ts';
import { steppingClock } from './factories.ts';

describe('LeaseRepository and InboundRepository (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let tables: { messages: string; inbound: string };

  beforeEach(async () => {
    tables = await aws.freshTables();
  });

  describe('bind lease', () => {
    it('when four tasks ask for the same login at once, then exactly one gets the lease', async () => {
      // Prepare
      const leases = new LeaseRepository(aws.document, tables.messages);
      // Act
      const results = await Promise.all(
        ['task-a', 'task-b', 'task-c', 'task-d'].map((owner) => leases.acquireLease('login1', owner, 30_000)),
      );
      // Assess
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('when the holder asks again or renews, then it keeps the lease', async () => {
      // Prepare
      const leases = new LeaseRepository(aws.document, tables.messages);
      await leases.acquireLease('login1', 'task-a', 30_000);
      // Act
      const again = await leases.acquireLease('login1', 'task-a', 30_000);
      const renewed = await leases.renewLease('login1', 'task-a', 30_000);
      // Assess
      expect([again, renewed]).toEqual([true, true]);
      expect((await leases.currentHolder('login1'))?.owner).toBe('task-a');
    });

    it('when the lease expires without renewal, then another task takes it and the old holder cannot renew', async () => {
      // Prepare
      const clock = steppingClock();
      const leases = new LeaseRepository(aws.document, tables.messages, { clock: clock.now });
      await leases.acquireLease('login1', 'task-a', 30_000);
      const whileHeld = await leases.acquireLease('login1', 'task-b', 30_000);
      clock.advance(31_000);
      // Act
      const takenOver = await leases.acquireLease('login1', 'task-b', 30_000);
      const oldRenews = await leases.renewLease('login1', 'task-a', 30_000);
      // Assess
      expect([whileHeld, takenOver, oldRenews]).toEqual([false, true, false]);
      expect((await leases.currentHolder('login1'))?.owner).toBe('task-b');
    });

    it('when the holder releases, then another task gets it at once; a stranger cannot release it', async () => {
      // Prepare
      const leases = new LeaseRepository(aws.document, tables.messages);
      await leases.acquireLease('login1', 'task-a', 30_000);
      await leases.releaseLease('login1', 'task-b');
      const afterStrangerRelease = await leases.acquireLease('login1', 'task-b', 30_000);
      // Act
      await leases.releaseLease('login1', 'task-a');
      const afterRelease = await leases.acquireLease('login1', 'task-b', 30_000);
      // Assess
      expect([afterStrangerRelease, afterRelease]).toEqual([false, true]);
    });

    it('when two logins are leased, then they do not block each other', async () => {
      // Prepare
      const leases = new LeaseRepository(aws.document, tables.messages);
      // Act
      const results = await Promise.all([
        leases.acquireLease('login1', 'task-a', 30_000),
        leases.acquireLease('login2', 'task-b', 30_000),
      ]);
      // Assess
      expect(results).toEqual([true, true]);
    });
  });

  describe('incoming messages', () => {
    const mo = {
      id: 'in-1',
      from: '+37255512345',
      to: 'Acme',
      text: 'STOP',
      receivedAt: '2030-01-01T00:00:00.000Z',
      parts: 1,
      smscId: '0000ABC',
    };

    it('when the SMSC redelivers an incoming message, then it is stored once', async () => {
      // Prepare
      const inbound = new InboundRepository(aws.document, tables.inbound);
      // Act
      const first = await inbound.recordInbound(mo);
      const again = await inbound.recordInbound({
        ...mo,
        id: 'in-2',
        smscId: 'abc',
        receivedAt: '2030-01-01T00:00:05.000Z',
      });
      // Assess
      expect([first, again]).toEqual(['recorded', 'duplicate']);
      expect(await inbound.find({ id: 'in-2', smscId: '2748' })).toEqual({ ...mo, smscId: '2748' });
    });

    it('when incoming messages carry no SMSC id, then each one is stored under its own id', async () => {
      // Prepare
      const inbound = new InboundRepository(aws.document, tables.inbound);
      const { smscId: _none, ...withoutSmscId } = mo;
      // Act
      const results = [
        await inbound.recordInbound(withoutSmscId),
        await inbound.recordInbound({ ...withoutSmscId, id: 'in-2' }),
      ];
      // Assess
      expect(results).toEqual(['recorded', 'recorded']);
      expect(await inbound.find({ id: 'in-2' })).toMatchObject({ id: 'in-2', text: 'STOP' });
    });
  });
});
