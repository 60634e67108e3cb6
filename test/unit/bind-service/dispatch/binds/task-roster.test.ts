import { describe, expect, it } from 'vitest';
import { ROSTER_SIZE, rosterKey, TaskRoster } from '#bind-service/dispatch/binds/task-roster.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import type { LeaseHolder } from '#core/aws/lease.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { captureLogs } from '#test/helpers/logs.ts';

/** An in-memory lease table with expiry on a clock the test moves; counts the calls. */
function leaseTable() {
  let now = 0;
  const items = new Map<string, LeaseHolder>();
  const calls = { put: 0, update: 0, batchGet: 0 };
  const live = (key: string) => {
    const item = items.get(key);
    return item && item.expiresAtMs >= now ? item : undefined;
  };
  return {
    calls,
    advance: (ms: number) => {
      now += ms;
    },
    acquireLease: async (key: string, owner: string, ttlMs: number) => {
      calls.put += 1;
      const holder = live(key);
      if (holder && holder.owner !== owner) return false;
      items.set(key, { owner, expiresAtMs: now + ttlMs, acquiredAtMs: now });
      return true;
    },
    renewLease: async (key: string, owner: string, ttlMs: number) => {
      calls.update += 1;
      const item = items.get(key);
      if (item?.owner !== owner) return false;
      items.set(key, { ...item, expiresAtMs: now + ttlMs });
      return true;
    },
    releaseLease: async (key: string, owner: string) => {
      if (items.get(key)?.owner === owner) items.delete(key);
    },
    holders: async (keys: readonly string[]) => {
      calls.batchGet += 1;
      return new Map(keys.flatMap((key) => (live(key) ? [[key, live(key) as LeaseHolder] as const] : [])));
    },
  };
}

const roster = (leases: ReturnType<typeof leaseTable>, owner: string) =>
  new TaskRoster({ leases, owner, ttlMs: 600, log: silentLogger });

describe('TaskRoster', () => {
  it('when two tasks join, then they take indices 0 and 1 and rank 0 and 1 among 2 live', async () => {
    // Prepare
    const leases = leaseTable();
    const first = roster(leases, 'one');
    const second = roster(leases, 'two');
    // Act
    await first.refresh();
    const secondView = await second.refresh();
    const firstView = await first.refresh();
    // Assess
    expect(secondView).toEqual({ live: [0, 1], rank: 1 });
    expect(firstView).toEqual({ live: [0, 1], rank: 0 });
  });

  it('when a joined task refreshes, then it costs one renewal and one batch read', async () => {
    // Prepare
    const leases = leaseTable();
    const task = roster(leases, 'one');
    await task.refresh();
    const before = { ...leases.calls };
    // Act
    await task.refresh();
    // Assess
    expect(leases.calls.update - before.update).toBe(1);
    expect(leases.calls.batchGet - before.batchGet).toBe(1);
    expect(leases.calls.put - before.put).toBe(0);
  });

  it('when refreshes overlap before the task joined, then it joins once', async () => {
    // Prepare
    const leases = leaseTable();
    const task = roster(leases, 'one');
    // Act
    const views = await Promise.all([task.refresh(), task.refresh()]);
    const again = await task.refresh();
    // Assess
    expect(views).toEqual([
      { live: [0], rank: 0 },
      { live: [0], rank: 0 },
    ]);
    expect(again).toEqual({ live: [0], rank: 0 });
    expect(leases.calls.put).toBe(1);
  });

  it('when a task stops renewing, then it drops out once its lease expires and the other ranks first', async () => {
    // Prepare
    const leases = leaseTable();
    const dead = roster(leases, 'dead');
    const survivor = roster(leases, 'survivor');
    await dead.refresh();
    await survivor.refresh();
    // Act
    leases.advance(400);
    const before = await survivor.refresh();
    leases.advance(300);
    const after = await survivor.refresh();
    // Assess
    expect(before).toEqual({ live: [0, 1], rank: 1 });
    expect(after).toEqual({ live: [1], rank: 0 });
  });

  it('when a new task joins after one died, then it takes the lowest free index but ranks after the task running since before', async () => {
    // Prepare: a deploy's running task sits at index 1, joined while the task before it held 0.
    const leases = leaseTable();
    const dead = roster(leases, 'dead');
    await dead.refresh();
    leases.advance(100);
    const running = roster(leases, 'running');
    await running.refresh();
    await dead.release();
    leases.advance(100);
    // Act
    const fresh = await roster(leases, 'new').refresh();
    const runningView = await running.refresh();
    // Assess: before, the new task ranked first (lowest index) and was given the running task's slots.
    expect(fresh).toEqual({ live: [1, 0], rank: 1 });
    expect(runningView).toEqual({ live: [1, 0], rank: 0 });
    expect(rosterKey(0)).toBe('task#0');
  });

  it('when a task seen live releases its roster lease, then departed says so, reading only the others’ keys', async () => {
    // Prepare: the standby (index 1) has read the roster once; a read since tells nothing new.
    const leases = leaseTable();
    const old = roster(leases, 'old');
    const standby = roster(leases, 'standby');
    await old.refresh();
    await standby.refresh();
    const unchanged = await standby.departed();
    const keysRead: string[][] = [];
    const holders = leases.holders;
    leases.holders = async (keys) => {
      keysRead.push([...keys]);
      return holders(keys);
    };
    // Act
    await old.release();
    const departed = await standby.departed();
    // Assess
    expect(unchanged).toBe(false);
    expect(departed).toBe(true);
    expect(keysRead).toEqual([['task#0']]);
    expect(await standby.refresh()).toEqual({ live: [1], rank: 0 });
  });

  it('when every roster index is held by live tasks, then the extra task stands by outside the roster, says why once, and joins when one is free', async () => {
    // Prepare: a deploy running more tasks than the roster holds (CDK refuses it; a stray task).
    const leases = leaseTable();
    const tasks = Array.from({ length: ROSTER_SIZE }, (_, index) => roster(leases, `task-${index}`));
    for (const task of tasks) await task.refresh();
    const { lines, write } = captureLogs();
    const extra = new TaskRoster({
      leases,
      owner: 'extra',
      ttlMs: 600,
      log: bindServiceLogger('info', write),
    });
    // Act
    const first = await extra.refresh();
    const second = await extra.refresh();
    await tasks[5]?.release();
    const departed = await extra.departed();
    const joined = await extra.refresh();
    // Assess: before, the view was undefined, so nothing was ever assigned (neither standby nor bound).
    expect(first).toEqual({
      live: Array.from({ length: ROSTER_SIZE }, (_, index) => index),
      rank: undefined,
    });
    expect(second?.rank).toBeUndefined();
    expect(lines.filter((line) => /every roster index is held/.test(line.msg))).toHaveLength(1);
    expect({ departed, joinedAt: extra.joined, rank: joined?.rank }).toEqual({
      departed: true,
      joinedAt: 5,
      rank: ROSTER_SIZE - 1,
    });
  });

  it('when a task stops renewing, then isLive names it live until its lease expires, and this task always', async () => {
    // Prepare
    const leases = leaseTable();
    const dead = roster(leases, 'dead');
    const survivor = roster(leases, 'survivor');
    await dead.refresh();
    await survivor.refresh();
    // Act
    const before = survivor.isLive('dead');
    leases.advance(700);
    await survivor.refresh();
    // Assess
    expect(before).toBe(true);
    expect(survivor.isLive('dead')).toBe(false);
    expect(survivor.isLive('survivor')).toBe(true);
    expect(survivor.isLive('never-seen')).toBe(false);
  });
});
