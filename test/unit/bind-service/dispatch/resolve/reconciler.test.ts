import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { Reconciler, type ReconcilerDeps } from '#bind-service/dispatch/resolve/reconciler.ts';
import {
  type QuerySource,
  SmscRejectedError,
  type SourceAddressRules,
  Status,
} from '#bind-service/smpp/index.ts';
import { UnmatchedRivals } from '#core/aws/messages/attention/unmatched-rivals.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { silentLogger } from '#core/observability/logger.ts';

// With several provider logins, QUERY_SM must go under the login that sent the message: each
// account's reconciler asks only about its own `unknown` messages. In-memory ports.

const NOW = new Date('2026-12-01T12:00:00Z');

function unknownRecord(id: string, smscId: string, account?: string): MessageRecord {
  return {
    id,
    to: '+79990000001',
    kind: 'sms',
    priority: 'bulk',
    encoding: 'gsm7',
    dataCoding: 0,
    parts: 1,
    validityMinutes: 1440,
    status: 'unknown',
    history: [],
    smscIds: [smscId],
    read: false,
    clicked: false,
    createdAt: '2026-12-01T11:00:00Z',
    updatedAt: '2026-12-01T11:00:00Z',
    ...(account ? { account } : {}),
  } as MessageRecord;
}

/**
 * `listedUnder`: a record listed in another partition than its account's (by id; undefined: the one
 * without an account, where earlier versions listed every account's messages).
 */
function reconcilerFor(
  account: { name: string; isDefault: boolean },
  records: MessageRecord[],
  sourceAddress?: SourceAddressRules,
  listedUnder: Map<string, string | undefined> = new Map(),
  unmatched: MessageRecord[] = [],
) {
  const asked: string[] = [];
  const moved: string[] = [];
  /** Where each message was put for its next question: the time, or undefined (no longer asked). */
  const nextQuestions = new Map<string, Date | undefined>();
  const matched: string[] = [];
  /** Where each unmatched message was put for its next orphan check. */
  const nextMatches = new Map<string, Date | undefined>();
  const partitionOf = (record: MessageRecord) =>
    listedUnder.has(record.id) ? listedUnder.get(record.id) : record.account;
  const sources: (QuerySource | undefined)[] = [];
  const orphanChecks: string[] = [];
  const byId = new Map([...records, ...unmatched].map((record) => [record.id, record]));
  const messages: ReconcilerDeps['messages'] = {
    unknownToQuery: async (partition) =>
      records.filter((record) => partitionOf(record) === partition).map((record) => record.id),
    get: async (id) => byId.get(id),
    applyParkedReceipts: async () => 0,
    applyReceipt: async () => 'stale',
    nextQueryAt: async (id, to, at) => {
      nextQuestions.set(id, at);
      const from = byId.get(id);
      if (from && partitionOf(from) !== to) moved.push(`${id} → ${to}`);
    },
    unmatchedToCheck: async () => {
      orphanChecks.push(account.name);
      return unmatched.map((record) => record.id);
    },
    unmatchedRivals: () => new UnmatchedRivals(async () => ({ candidates: [], complete: true })),
    matchOrphanReceipt: async (id) => {
      matched.push(id);
      return 'none';
    },
    nextMatchAt: async (id, at) => {
      nextMatches.set(id, at);
    },
    handOverUnmatched: async (id, to) => {
      moved.push(`${id} → ${to ?? 'the default'}`);
    },
    lastOrphanParkedAt: async () => undefined,
  };
  const session = {
    isBound: true,
    queryStatus: async (smscId: string, source?: QuerySource) => {
      asked.push(smscId);
      sources.push(source);
      return { messageId: smscId, messageState: 1, errorCode: 0 };
    },
  };
  /** How many times the reconciler told the login's rate to slow down. */
  const rate = {
    throttled: 0,
    wait: async () => undefined,
    onThrottled: () => {
      rate.throttled += 1;
    },
  };
  /** A reconciler over this rig's store and session with other options (undefined clock: the real one). */
  const reconcilerWith = (options: ReconcilerDeps['options'], clock: (() => Date) | undefined) =>
    new Reconciler({
      messages,
      sessions: [session],
      rate,
      options,
      stats: emptyStats(),
      log: silentLogger,
      ...(clock ? { clock } : {}),
      account,
      ...(sourceAddress ? { sourceAddress } : {}),
    });
  return {
    reconciler: reconcilerWith({ intervalMs: 1000, minAgeMs: 0, batch: 10 }, () => NOW),
    reconcilerWith,
    messages,
    session,
    rate,
    asked,
    orphanChecks,
    sources,
    moved,
    matched,
    nextQuestions,
    nextMatches,
  };
}

describe('Reconciler with several accounts', () => {
  const records = [
    unknownRecord('m-main', '101', 'main'),
    unknownRecord('m-uk', '202', 'uk'),
    unknownRecord('m-old', '303'),
  ];

  it('when the default account reconciles, then it asks about its own messages and those without an account', async () => {
    // Prepare
    const { reconciler, asked, orphanChecks } = reconcilerFor({ name: 'main', isDefault: true }, records);
    // Act
    await reconciler.run();
    // Assess
    expect(asked).toEqual(['101', '303']);
    expect(orphanChecks).toEqual(['main']);
  });

  it('when another account reconciles, then it asks only about its own messages and matches its own to orphans', async () => {
    // Prepare
    const { reconciler, asked, orphanChecks } = reconcilerFor({ name: 'uk', isDefault: false }, records);
    // Act
    await reconciler.run();
    // Assess
    expect(asked).toEqual(['202']);
    expect(orphanChecks).toEqual(['uk']);
  });

  it('when an account’s list of unmatched messages holds another account’s, then it hands them over instead of matching them', async () => {
    // Prepare: no SMSC ids; the default's list is where earlier versions listed every account's.
    const unmatched = [
      { ...unknownRecord('u-main', '1', 'main'), smscIds: [] },
      { ...unknownRecord('u-uk', '2', 'uk'), smscIds: [] },
    ];
    const main = reconcilerFor({ name: 'main', isDefault: true }, [], undefined, new Map(), unmatched);
    const uk = reconcilerFor({ name: 'uk', isDefault: false }, [], undefined, new Map(), unmatched);
    // Act
    await main.reconciler.run();
    await uk.reconciler.run();
    // Assess
    expect({ matched: main.matched, moved: main.moved }).toEqual({
      matched: ['u-main'],
      moved: ['u-uk → uk'],
    });
    expect({ matched: uk.matched, moved: uk.moved }).toEqual({
      matched: ['u-uk'],
      moved: ['u-main → the default'],
    });
  });

  it('when another account’s message is listed without an account (an earlier version listed all there), then the default moves it to that account’s partition without asking', async () => {
    // Prepare
    const legacy = unknownRecord('m-uk-old', '404', 'uk');
    const listedUnder = new Map([['m-uk-old', undefined]]);
    const { reconciler, asked, moved } = reconcilerFor(
      { name: 'main', isDefault: true },
      [...records, legacy],
      undefined,
      listedUnder,
    );
    // Act
    await reconciler.run();
    // Assess
    expect(asked).toEqual(['101', '303']);
    // Its own record without an account, asked about, is listed again in its own partition.
    expect(moved).toEqual(['m-old → main', 'm-uk-old → uk']);
  });
});

describe('Reconciler: the sender QUERY_SM names', () => {
  it('when the submits use TON 3 / NPI 0 without autodetect (SMPP_SOURCE_ADDR_*), then QUERY_SM names the sender the same way', async () => {
    // Prepare
    const rules: SourceAddressRules = { autodetect: false, ton: 3, npi: 0 };
    const record = { ...unknownRecord('m-1', '101'), from: '+79001234567' } as MessageRecord;
    const { reconciler, sources } = reconcilerFor({ name: 'main', isDefault: true }, [record], rules);
    // Act
    await reconciler.run();
    // Assess: as submit-fields.ts puts it in the SUBMIT_SM (addressFor with the same rules).
    expect(sources).toEqual([{ addr: '+79001234567', ton: 3, npi: 0 }]);
  });
});

describe('Reconciler: how long a message en route is asked about', () => {
  const HOUR_MS = 3_600_000;
  const sentHoursAgo = (id: string, hours: number, validityMinutes: number): MessageRecord => {
    const at = new Date(NOW.getTime() - hours * HOUR_MS).toISOString();
    return {
      ...unknownRecord(id, `${id}-smsc`, 'main'),
      validityMinutes,
      createdAt: at,
      updatedAt: at,
      history: [
        { status: 'accepted', at },
        { status: 'submitting', at },
        { status: 'unknown', at },
      ],
    };
  };

  it('when a 60-minute message sent 2.5 h ago is still en route, then it is asked again: the SMSC reports for up to a day (err 245)', async () => {
    // Prepare
    const record = sentHoursAgo('m-short', 2.5, 60);
    const { reconciler, asked, nextQuestions } = reconcilerFor({ name: 'main', isDefault: true }, [record]);
    // Act
    await reconciler.run();
    // Assess
    expect(asked).toEqual(['m-short-smsc']);
    expect(nextQuestions.get('m-short')).toBeInstanceOf(Date);
  });

  it('when it was sent more than a day and an hour ago and its validity is over, then it is no longer asked about', async () => {
    // Prepare
    const record = sentHoursAgo('m-old', 25.5, 60);
    const { reconciler, nextQuestions } = reconcilerFor({ name: 'main', isDefault: true }, [record]);
    // Act
    await reconciler.run();
    // Assess
    expect(nextQuestions.has('m-old')).toBe(true);
    expect(nextQuestions.get('m-old')).toBeUndefined();
  });

  it('when it waited three days before it was sent and its validity is over, then it is still asked for a day after the send', async () => {
    // Prepare: accepted 74 h ago with a 72-hour validity, sent 2 h ago
    const record = sentHoursAgo('m-late', 74, 4320);
    const sentAt = new Date(NOW.getTime() - 2 * HOUR_MS).toISOString();
    record.history = [
      { status: 'accepted', at: record.createdAt },
      { status: 'submitting', at: sentAt },
      { status: 'unknown', at: sentAt },
    ];
    const { reconciler, nextQuestions } = reconcilerFor({ name: 'main', isDefault: true }, [record]);
    // Act
    await reconciler.run();
    // Assess
    expect(nextQuestions.get('m-late')).toBeInstanceOf(Date);
  });
});

describe('Reconciler: a message whose handling keeps failing', () => {
  it('when the oldest unknown message throws at every run, then the messages behind it are still asked about and it is put back for later', async () => {
    // Prepare: the oldest message's record cannot be read (a poison item), two behind it can
    const records = [unknownRecord('m-bad', '100'), unknownRecord('m-1', '101'), unknownRecord('m-2', '102')];
    const rig = reconcilerFor({ name: 'main', isDefault: true }, records);
    const get = rig.messages.get;
    rig.messages.get = async (id) => {
      if (id === 'm-bad') throw new Error('item m-bad does not parse');
      return get(id);
    };
    // Act
    await rig.reconciler.run();
    // Assess: before, the run ended at m-bad, and every run after it too
    expect(rig.asked).toEqual(['101', '102']);
    expect(rig.nextQuestions.get('m-bad')?.toISOString()).toBe('2026-12-01T13:00:00.000Z');
  });

  it('when an unmatched message throws while it is matched, then the next ones are still matched and the QUERY_SM part still runs', async () => {
    // Prepare
    const unmatched = [
      { ...unknownRecord('u-bad', '1'), smscIds: [] },
      { ...unknownRecord('u-1', '2'), smscIds: [] },
    ];
    const rig = reconcilerFor(
      { name: 'main', isDefault: true },
      [unknownRecord('m-1', '101')],
      undefined,
      new Map(),
      unmatched,
    );
    const match = rig.messages.matchOrphanReceipt;
    rig.messages.matchOrphanReceipt = async (id, options) => {
      if (id === 'u-bad') throw new Error('orphan of u-bad does not parse');
      return match(id, options);
    };
    // Act
    await rig.reconciler.run();
    // Assess
    expect(rig.matched).toEqual(['u-1']);
    expect(rig.asked).toEqual(['101']);
    expect(rig.nextMatches.get('u-bad')?.toISOString()).toBe('2026-12-01T13:00:00.000Z');
  });

  it('when a run matches several unmatched messages, then they share one view of their rivals, and one too large to read is logged once', async () => {
    // Prepare: the account's unmatched messages are more than are read, so every orphan is contested.
    const unmatched = [
      { ...unknownRecord('u-1', '1'), smscIds: [] },
      { ...unknownRecord('u-2', '2'), smscIds: [] },
    ];
    const rig = reconcilerFor({ name: 'main', isDefault: true }, [], undefined, new Map(), unmatched);
    rig.messages.unmatchedRivals = () =>
      new UnmatchedRivals(async () => ({ candidates: [], complete: false }));
    const views = new Set<UnmatchedRivals | undefined>();
    rig.messages.matchOrphanReceipt = async (id, options) => {
      views.add(options.rivals);
      const message = { id, recipient: 'orphan#79990000001', since: NOW.toISOString(), text: '' };
      const orphan = { parkedAt: NOW.toISOString(), agreesWith: () => true };
      return (await options.rivals?.contested(message, orphan)) ? 'ambiguous' : 'none';
    };
    const warnings: string[] = [];
    const reconciler = new Reconciler({
      messages: rig.messages,
      sessions: [],
      rate: { wait: async () => undefined, onThrottled: () => undefined },
      options: { intervalMs: 1000, minAgeMs: 0, batch: 10 },
      stats: emptyStats(),
      log: { ...silentLogger, warn: (msg) => warnings.push(msg) },
      clock: () => NOW,
    });
    // Act
    await reconciler.run();
    // Assess
    expect(views.size).toBe(1);
    expect([...views][0]).toBeInstanceOf(UnmatchedRivals);
    expect(warnings.filter((msg) => msg.startsWith('too many unmatched messages'))).toHaveLength(1);
  });

  it('when the store fails for every message (DynamoDB down), then the run ends at the first one instead of trying each', async () => {
    // Prepare
    const records = [unknownRecord('m-1', '101'), unknownRecord('m-2', '102')];
    const rig = reconcilerFor({ name: 'main', isDefault: true }, records);
    let reads = 0;
    rig.messages.get = async () => {
      reads += 1;
      throw new Error('DynamoDB unavailable');
    };
    rig.messages.nextQueryAt = async () => {
      throw new Error('DynamoDB unavailable');
    };
    // Act
    await rig.reconciler.run();
    // Assess
    expect(reads).toBe(1);
    expect(rig.asked).toEqual([]);
  });
});

describe('Reconciler: an orphan receipt that comes late', () => {
  /**
   * One unmatched message whose next look is an hour away (it found no orphan when it was young), a
   * reconciler whose orphans may be adopted 3 s after they are parked, the login's orphan mark
   * (when any task last parked one) and a clock the test moves.
   * `failedListings`, `failedMarkReads`: the first listings of unmatched messages, or reads of the
   * mark, fail (the store does not answer).
   */
  function deferredUnmatched(failures: { failedListings?: number; failedMarkReads?: number } = {}) {
    const rig = reconcilerFor({ name: 'main', isDefault: true }, [], undefined, new Map(), [
      { ...unknownRecord('u-1', '1'), smscIds: [] },
    ]);
    const nextLookAt = new Date(NOW.getTime() + 3_600_000);
    /** The `before` of each listing. */
    const listedBefore: Date[] = [];
    let failingListings = failures.failedListings ?? 0;
    rig.messages.unmatchedToCheck = async (before) => {
      listedBefore.push(before);
      if (failingListings-- > 0) throw new Error('DynamoDB list unmatched messages failed: TimeoutError');
      return before >= nextLookAt ? ['u-1'] : [];
    };
    let parkedMark: Date | undefined;
    let failingReads = failures.failedMarkReads ?? 0;
    rig.messages.lastOrphanParkedAt = async () => {
      if (failingReads-- > 0) throw new Error('DynamoDB read orphan mark failed: TimeoutError');
      return parkedMark;
    };
    let now = NOW.getTime();
    const reconciler = rig.reconcilerWith(
      { intervalMs: 1000, minAgeMs: 3_000, batch: 10 },
      () => new Date(now),
    );
    /** Runs after each step (ms), the number of checks of the message after each. */
    const runsAfter = async (steps: readonly number[]): Promise<number[]> => {
      const matchedByRun: number[] = [];
      for (const step of steps) {
        now += step;
        await reconciler.run();
        matchedByRun.push(rig.matched.length);
      }
      return matchedByRun;
    };
    return {
      reconciler,
      matched: rig.matched,
      listedBefore,
      runsAfter,
      elapse: (ms: number) => {
        now += ms;
      },
      /** A task, this one or another, parks an orphan now: the login's mark moves. */
      orphanParked: () => {
        parkedMark = new Date(now);
      },
    };
  }

  it('when no orphan was parked, then a message whose next look is not due is left alone', async () => {
    // Prepare
    const rig = deferredUnmatched();
    // Act
    const matchedByRun = await rig.runsAfter([0, 5_000]);
    // Assess
    expect(matchedByRun).toEqual([0, 0]);
  });

  it('when an orphan is parked, then the first run once it may be adopted checks every unmatched message, and the runs after it do not', async () => {
    // Prepare: whichever task parked it (it may stop or die before its own next run), and whether
    // this reconciler was running then or starts after it (the mark is new to it either way)
    const rig = deferredUnmatched();
    rig.orphanParked();
    // Act: runs at once, 3 s and 4 s after the orphan
    const matchedByRun = await rig.runsAfter([0, 3_000, 1_000]);
    // Assess: too young to adopt at the first run (a receipt merely ahead of its `submitted` write
    // finds its message by then), checked at the second, and only then.
    expect(matchedByRun).toEqual([0, 1, 1]);
  });

  it('when a second orphan is parked before the first may be adopted, then a run checks them all for each, once it may be adopted', async () => {
    // Prepare: a run reads the first orphan's mark before the second moves it
    const rig = deferredUnmatched();
    rig.orphanParked();
    await rig.runsAfter([1_000]);
    rig.elapse(1_000);
    rig.orphanParked();
    // Act: runs 3 s, 4 s and 5 s after the first orphan
    const matchedByRun = await rig.runsAfter([1_000, 1_000, 1_000]);
    // Assess
    expect(matchedByRun).toEqual([1, 1, 2]);
  });

  it('when the mark is read again unchanged, then it sets off no second check, and a newer mark sets off one', async () => {
    // Prepare
    const rig = deferredUnmatched();
    rig.orphanParked();
    const first = await rig.runsAfter([3_000]);
    // Act: the same mark a minute later, then a newer one
    const sameMark = await rig.runsAfter([60_000]);
    rig.orphanParked();
    const newer = await rig.runsAfter([3_000]);
    // Assess
    expect([...first, ...sameMark, ...newer]).toEqual([1, 1, 2]);
  });

  it('when the store does not answer the run that would check them all, then the next run does', async () => {
    // Prepare
    const rig = deferredUnmatched({ failedListings: 1 });
    rig.orphanParked();
    // Act
    const matchedByRun = await rig.runsAfter([3_000, 1_000]);
    // Assess
    expect(matchedByRun).toEqual([0, 1]);
    expect(rig.listedBefore).toHaveLength(2);
  });

  it('when the mark cannot be read, then the next run that reads it checks them all', async () => {
    // Prepare
    const rig = deferredUnmatched({ failedMarkReads: 1 });
    rig.orphanParked();
    // Act
    const matchedByRun = await rig.runsAfter([3_000, 1_000]);
    // Assess
    expect(matchedByRun).toEqual([0, 1]);
  });
});

describe('Reconciler: a backlog of unknown messages', () => {
  /**
   * A reconciler on fake timers whose runs are a minute apart and list at most 10 messages, with
   * `unmatched` unmatched messages and `withIds` unknown messages with SMSC ids waiting; a listing
   * takes what it lists off the list (their next looks move on). Records each listing's size.
   */
  function backlog(waiting: { unmatched: number; withIds: number }) {
    vi.useFakeTimers({ now: NOW });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const rig = reconcilerFor({ name: 'main', isDefault: true }, []);
    const unmatched = Array.from({ length: waiting.unmatched }, (_, i) => `u-${i}`);
    const withIds = Array.from({ length: waiting.withIds }, (_, i) => `q-${i}`);
    const listed = { unmatched: [] as number[], withIds: [] as number[] };
    rig.messages.unmatchedToCheck = async (_before, limit) => {
      listed.unmatched.push(Math.min(limit, unmatched.length));
      return unmatched.splice(0, limit);
    };
    rig.messages.unknownToQuery = async (partition, _before, limit) => {
      if (partition === undefined) return [];
      listed.withIds.push(Math.min(limit, withIds.length));
      return withIds.splice(0, limit);
    };
    rig.messages.get = async () => undefined;
    // The real clock, which the fake timers move.
    const reconciler = rig.reconcilerWith({ intervalMs: 60_000, minAgeMs: 0, batch: 10 }, undefined);
    return { reconciler, listed, rig };
  }

  it('when a run lists a full batch of unmatched messages, then the next run comes a second later, not a minute, until one lists fewer', async () => {
    // Prepare: 25 unmatched messages, say after a link loss with a window of 25 the SMSC had taken
    const { reconciler, listed } = backlog({ unmatched: 25, withIds: 0 });
    // Act
    reconciler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    const afterBacklog = [...listed.unmatched];
    await vi.advanceTimersByTimeAsync(59_000);
    const beforeInterval = [...listed.unmatched];
    await vi.advanceTimersByTimeAsync(1_000);
    await reconciler.stop();
    // Assess
    expect(afterBacklog).toEqual([10, 10, 5]);
    expect(beforeInterval).toEqual([10, 10, 5]);
    expect(listed.unmatched).toEqual([10, 10, 5, 0]);
  });

  it('when an orphan sets off a check of every unmatched message and they fill several batches, then each is checked once, a second apart, and the runs go back to a minute apart', async () => {
    // Prepare: 25 unmatched messages none of which is due (they found no orphan when younger); a
    // listing of them all gives the ones whose next look is soonest first, and a message checked
    // goes behind the others. None finds an orphan (claimed but never sent, say).
    const { reconciler, rig } = backlog({ unmatched: 0, withIds: 0 });
    const queue = Array.from({ length: 25 }, (_, i) => `u-${i}`);
    /** Seconds from the start at which each run listed them: all (the check), or the due ones. */
    const listings: string[] = [];
    rig.messages.unmatchedToCheck = async (before, limit) => {
      const all = before.getTime() > Date.parse('9999-01-01');
      listings.push(`${(Date.now() - NOW.getTime()) / 1000} ${all ? 'all' : 'due'}`);
      return all ? queue.slice(0, limit) : [];
    };
    rig.messages.nextMatchAt = async (id) => {
      queue.splice(queue.indexOf(id), 1);
      queue.push(id);
    };
    rig.messages.lastOrphanParkedAt = async () => NOW;
    // Act
    reconciler.start();
    await vi.advanceTimersByTimeAsync(60_000 + 3 * 1_000 + 3 * 60_000);
    await reconciler.stop();
    // Assess: 10 new, 10 new, 5 new and 5 checked, then only checked ones, which ends it
    expect(rig.matched).toHaveLength(25);
    expect(new Set(rig.matched).size).toBe(25);
    expect(listings).toEqual(['60 all', '61 all', '62 all', '63 all', '123 due', '183 due', '243 due']);
  });

  it('when a run lists a full batch of unknown messages to ask about, then the next run comes a second later', async () => {
    // Prepare
    const { reconciler, listed } = backlog({ unmatched: 0, withIds: 15 });
    // Act
    reconciler.start();
    await vi.advanceTimersByTimeAsync(61_000);
    await reconciler.stop();
    // Assess
    expect(listed.withIds).toEqual([10, 5]);
  });
});

describe('Reconciler: the SMSC throttles QUERY_SM', () => {
  it('when a QUERY_SM is answered ESME_RTHROTTLED, then the login’s rate slows down as it does for a throttled submit', async () => {
    // Prepare: the SMSC throttles the first question, answers the second
    const rig = reconcilerFor({ name: 'main', isDefault: true }, [
      unknownRecord('m-1', '101'),
      unknownRecord('m-2', '102'),
    ]);
    const answer = rig.session.queryStatus;
    rig.session.queryStatus = async (smscId, source) => {
      if (smscId === '101') throw new SmscRejectedError('query_sm', Status.ESME_RTHROTTLED);
      return answer(smscId, source);
    };
    // Act
    await rig.reconciler.run();
    // Assess: before, the throttling answer was only logged and the rate stayed where it was
    expect(rig.rate.throttled).toBe(1);
    expect(rig.asked).toEqual(['102']);
    expect(rig.nextQuestions.has('m-1')).toBe(true);
  });

  it('when a QUERY_SM is refused for another reason, then the rate is left alone', async () => {
    // Prepare
    const rig = reconcilerFor({ name: 'main', isDefault: true }, [unknownRecord('m-1', '101')]);
    rig.session.queryStatus = async () => {
      throw new SmscRejectedError('query_sm', Status.ESME_RQUERYFAIL);
    };
    // Act
    await rig.reconciler.run();
    // Assess
    expect(rig.rate.throttled).toBe(0);
  });
});
