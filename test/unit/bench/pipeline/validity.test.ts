import { describe, expect, it } from 'vitest';
import {
  CONDITIONS,
  comparability,
  memoryIssues,
  partIssues,
  throughputIssues,
  urgentIssues,
} from '#bench/pipeline/validity.ts';
import { cleanMemory, TASK_NODE_OPTIONS } from './clean-runs.ts';

// Whether a part's figures are a clean measurement under the conditions issue 11's targets assume,
// and whether a before and an after run can be compared as one session.

describe('throughputIssues', () => {
  it('when (a) delivered every one of 10,000 sends with none refused, then there is no issue', () => {
    expect(throughputIssues({ messages: 10_000, completed: true, refused: 0, delivered: 10_000 })).toEqual(
      [],
    );
  });

  it('when (a) stalled with 4,000 of 10,000 refused, then both the stall and the refusals are named', () => {
    // Act
    const issues = throughputIssues({ messages: 10_000, completed: false, refused: 4_000, delivered: 5_000 });
    // Assess
    expect(issues).toEqual(['STALLED: 5000 of 6000 accepted delivered', '4000 of 10000 refused']);
  });

  it('when (a) completed but skipped refused sends, then the refusals alone are an issue', () => {
    expect(throughputIssues({ messages: 10_000, completed: true, refused: 1, delivered: 9_999 })).toEqual([
      '1 of 10000 refused',
    ]);
  });

  it('when (a) ran a smaller BENCH_MESSAGES than the issue assumes, then the size is an issue', () => {
    expect(throughputIssues({ messages: 2_000, completed: true, refused: 0, delivered: 2_000 })).toEqual([
      `2000 messages, not ${CONDITIONS.messages}`,
    ]);
  });

  it('when the flags are missing, then strict mode counts them and the lenient mode (older runs) does not', () => {
    // Prepare: a run written before the harness recorded completion and refusals.
    const old = { messages: 10_000 };
    // Act / Assess
    expect(throughputIssues(old)).toEqual(['completion not recorded', 'refused sends not recorded']);
    expect(throughputIssues(old, false)).toEqual([]);
  });
});

describe('urgentIssues', () => {
  it('when (b) drained the 20,000 bulk messages, then there is no issue; with 2,000, the size is one', () => {
    expect(urgentIssues({ bulkMessages: 20_000 })).toEqual([]);
    expect(urgentIssues({ bulkMessages: 2_000 })).toEqual([`bulk of 2000, not ${CONDITIONS.bulk}`]);
    expect(urgentIssues({})).toEqual(['bulk size not recorded']);
    expect(urgentIssues({}, false)).toEqual([]);
  });
});

describe('memoryIssues', () => {
  it('when (c) drained 20,000 at window 2000 in the bundle with the task NODE_OPTIONS, then there is no issue', () => {
    expect(memoryIssues(cleanMemory)).toEqual([]);
  });

  it('when (c) stalled after 3,000 of 20,000, then the stall is named', () => {
    expect(memoryIssues({ ...cleanMemory, completed: false, submitted: 3_000 })).toEqual([
      'STALLED: 3000 of 20000 submitted',
    ]);
  });

  it('when (c) ran a small backlog, another window, tsx and a heap cap, then each is named', () => {
    // Act
    const issues = memoryIssues({
      ...cleanMemory,
      backlog: 2_000,
      window: 100,
      runtime: 'tsx',
      nodeOptions: '--max-old-space-size=64',
    });
    // Assess
    expect(issues).toEqual([
      `backlog 2000, not ${CONDITIONS.backlog}`,
      `window 100, not ${CONDITIONS.window}`,
      'runtime tsx, not the bundle',
      `NODE_OPTIONS "--max-old-space-size=64", not the task's "${TASK_NODE_OPTIONS}"`,
    ]);
  });

  it("when the run did not record the task's NODE_OPTIONS, then they are compared with what ships now", () => {
    // Prepare
    const { taskNodeOptions: _, ...withoutTask } = cleanMemory;
    // Act / Assess
    expect(memoryIssues(withoutTask, true, TASK_NODE_OPTIONS)).toEqual([]);
    expect(memoryIssues(withoutTask, true, '--max-old-space-size=512')).toEqual([
      `NODE_OPTIONS "${TASK_NODE_OPTIONS}", not the task's "--max-old-space-size=512"`,
    ]);
  });

  it('when the runtime and NODE_OPTIONS are not recorded, then strict mode says so', () => {
    // Prepare
    const old = { backlog: 20_000, window: 2000, completed: true };
    // Act / Assess
    expect(memoryIssues(old, true, TASK_NODE_OPTIONS)).toEqual([
      'runtime not recorded',
      'NODE_OPTIONS not recorded',
    ]);
    expect(memoryIssues(old, false, TASK_NODE_OPTIONS)).toEqual([]);
  });
});

describe('partIssues', () => {
  it('when (a) stalled and (c) was clean, then only (a) is listed, for the JSON to carry', () => {
    // Act
    const issues = partIssues({
      throughput: { messages: 10_000, completed: false, refused: 0, delivered: 9_000 },
      urgent: { bulkMessages: 20_000 },
      memory: cleanMemory,
    });
    // Assess
    expect(issues).toEqual({ a: ['STALLED: 9000 of 10000 accepted delivered'] });
  });

  it('when nothing ran, then nothing is listed', () => {
    expect(partIssues({})).toEqual({});
  });
});

describe('comparability', () => {
  const at = (startedAt: string, jsonMs?: number) => ({
    context: { startedAt, ...(jsonMs === undefined ? {} : { hostSpeedAtStart: { jsonMs, sha256Ms: 19 } }) },
  });

  it('when before and after started 64 h apart and before has no host speed, then both are stated', () => {
    // Act
    const result = comparability(at('2026-12-02T19:52:40.620Z'), at('2026-12-05T12:08:44.181Z', 77.9));
    // Assess
    expect(result.hoursApart).toBe(64.3);
    expect(result.notes).toEqual([
      'before and after started 64.3 h apart (2026-12-02 19:52 and 2026-12-05 12:08 UTC)',
      'the before run recorded no host speed',
    ]);
  });

  it('when both started within 12 h on a host of about the same speed, then there is no note', () => {
    // Act
    const result = comparability(at('2026-12-05T08:00:00.000Z', 80), at('2026-12-05T12:00:00.000Z', 84));
    // Assess
    expect(result).toEqual({ hoursApart: 4, notes: [] });
  });

  it('when the host ran a fifth slower for one of them, then the two speeds are stated', () => {
    // Act
    const result = comparability(at('2026-12-05T08:00:00.000Z', 80), at('2026-12-05T09:00:00.000Z', 100));
    // Assess
    expect(result.notes).toEqual(['host speed at start differs: JSON 80 ms before, 100 ms after']);
  });

  it('when a run has no start time, then that is the note', () => {
    expect(comparability({}, at('2026-12-05T09:00:00.000Z', 80)).notes).toEqual([
      'the before run recorded no start time',
      'the before run recorded no host speed',
    ]);
  });
});
