import { beforeEach, describe, expect, it } from 'vitest';
import { LeaseRepository } from '#core/aws/lease.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { steppingClock } from './factories.ts';

describe('LeaseRepository (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let tables: { messages: string };

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
});
