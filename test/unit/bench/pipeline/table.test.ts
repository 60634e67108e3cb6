import { describe, expect, it } from 'vitest';
import {
  beforeAfterTable,
  type PipelineJson,
  TABLE_END,
  TABLE_START,
  withTable,
} from '#bench/pipeline/table.ts';

const TASK = '--max-old-space-size=256 --max-semi-space-size=4';
const before: PipelineJson = {
  context: { startedAt: '2026-12-01T16:18:03.268Z', hostSpeedAtStart: { jsonMs: 80, sha256Ms: 19 } },
  throughput: {
    deliveredPerSec: 128,
    bindServiceCpuMsPerMessage: 4.37,
    acceptLatencyMs: { p50: 333.9, p99: 801.9 },
  },
  urgent: { urgentMessages: 177, urgentAcceptToSubmitMs: { p50: 12.8, p99: 64.4, max: 70 } },
};
const after: PipelineJson = {
  context: { startedAt: '2026-12-01T19:00:00.000Z', hostSpeedAtStart: { jsonMs: 81, sha256Ms: 19 } },
  throughput: {
    messages: 10_000,
    completed: true,
    refused: 0,
    delivered: 10_000,
    deliveredPerSec: 400,
    bindServiceCpuMsPerMessage: 0.45,
    bindServiceAwsCallsPerMessage: {
      total: 0.5,
      attempts: 0.5,
      byCommand: { 'DynamoDB.BatchExecuteStatement': 0.5 },
    },
  },
  memory: {
    peakRssMb: 120.5,
    maxRssMb: 122,
    drainSeconds: 50,
    completed: true,
    backlog: 20_000,
    window: 2000,
    submitted: 20_000,
    runtime: 'bundle',
    nodeOptions: TASK,
    taskNodeOptions: TASK,
  },
  api: {
    cpuMsPerMessage: 2.1,
    awsCallsPerMessage: { total: 3, attempts: 3, byCommand: { 'DynamoDB.PutItem': 2, 'SQS.SendMessage': 1 } },
  },
};

const rowOf = (table: string, figure: string) =>
  table.split('\n').find((line) => line.startsWith(`| ${figure} |`));

describe('beforeAfterTable', () => {
  it('when both runs have a figure, then its row shows before, after and the target', () => {
    // Act
    const table = beforeAfterTable(before, after);
    // Assess
    expect(table.split('\n')[0]).toBe('| figure | before (2026-12-01) | after (2026-12-01) | target |');
    expect(rowOf(table, '(a) bind-service CPU per message')).toBe(
      '| (a) bind-service CPU per message | 4.37 ms | 0.45 ms | ≤ 0.5 ms |',
    );
    expect(rowOf(table, 'API AWS calls per accepted message')).toBe(
      '| API AWS calls per accepted message | not measured | 3 (DynamoDB.PutItem 2, SQS.SendMessage 1) |  |',
    );
  });

  it('when a run lacks a figure, then its cell says so instead of a number', () => {
    // Act
    const table = beforeAfterTable(before, after);
    // Assess
    expect(rowOf(table, '(c) bind-service peak RSS')).toContain(
      '| not measured | 122 MB at window 2000, backlog 20000 |',
    );
    expect(rowOf(table, '(b) urgent accept → SUBMIT_SM p50 / p99 / max')).toContain(
      '| 12.8 / 64.4 / 70 ms (177 samples) | not measured |',
    );
  });
});

describe('beforeAfterTable, parts that stalled or ran at other sizes', () => {
  it('when the after run of (a) stalled with 4,000 refused, then its rate and CPU cells say so', () => {
    // Prepare
    const stalled: PipelineJson = {
      ...after,
      throughput: { ...after.throughput, completed: false, refused: 4_000, delivered: 6_000 },
    };
    // Act
    const table = beforeAfterTable(before, stalled);
    // Assess
    expect(rowOf(table, '(a) first accept → last delivered')).toBe(
      '| (a) first accept → last delivered | 128 msg/s | 400 msg/s (STALLED: 6000 of 6000 accepted delivered; 4000 of 10000 refused) | ≥ 3 × before |',
    );
    expect(rowOf(table, '(a) bind-service CPU per message')).toContain(
      '| 0.45 ms (STALLED: 6000 of 6000 accepted delivered; 4000 of 10000 refused) |',
    );
  });

  it('when a before run lacks the flags (older harness), then its cells stay unmarked', () => {
    // Act
    const table = beforeAfterTable(before, after);
    // Assess
    expect(rowOf(table, '(a) first accept → last delivered')).toBe(
      '| (a) first accept → last delivered | 128 msg/s | 400 msg/s | ≥ 3 × before |',
    );
  });

  it('when (c) drained 2,000 under tsx with a heap cap, then the row shows what was measured, not 20,000', () => {
    // Prepare
    const small: PipelineJson = {
      memory: {
        peakRssMb: 95,
        maxRssMb: 95,
        completed: true,
        backlog: 2_000,
        window: 2000,
        runtime: 'tsx',
        nodeOptions: '--max-old-space-size=64',
        taskNodeOptions: TASK,
      },
    };
    // Act
    const row = rowOf(beforeAfterTable({}, small), '(c) bind-service peak RSS') ?? '';
    // Assess
    expect(row).toBe(
      `| (c) bind-service peak RSS | not measured | 95 MB at window 2000, backlog 2000 (backlog 2000, not 20000; runtime tsx, not the bundle; NODE_OPTIONS "--max-old-space-size=64", not the task's "${TASK}") | ≤ 150 MB at window 2000, ≥ 20,000 backlog, as shipped |`,
    );
    expect(row).not.toContain('20,000 backlog |');
  });

  it('when (c) stalled, then its peak cell says so', () => {
    // Prepare
    const stalled: PipelineJson = { memory: { ...after.memory, completed: false, submitted: 3_000 } };
    // Act
    const row = rowOf(beforeAfterTable({}, stalled), '(c) bind-service peak RSS');
    // Assess
    expect(row).toContain('| 122 MB at window 2000, backlog 20000 (STALLED: 3000 of 20000 submitted) |');
  });

  it('when (b) drained a smaller bulk, then its p99 cell says so', () => {
    // Prepare
    const small: PipelineJson = {
      urgent: {
        bulkMessages: 2_000,
        urgentMessages: 1200,
        urgentAcceptToSubmitMs: { p50: 10, p99: 80, max: 90 },
      },
    };
    // Act
    const row = rowOf(beforeAfterTable({}, small), '(b) urgent accept → SUBMIT_SM p50 / p99 / max');
    // Assess
    expect(row).toContain('| 10 / 80 / 90 ms (1200 samples; bulk of 2000, not 20000) |');
  });
});

describe('beforeAfterTable, before and after apart', () => {
  it('when before and after started within 12 h on a host of the same speed, then no note follows the table', () => {
    // Act
    const lines = beforeAfterTable(before, after).split('\n');
    // Assess
    expect(lines.every((line) => line.startsWith('|'))).toBe(true);
  });

  it('when they started 64 h apart and before has no host speed, then the table says so under it and at the 3x row', () => {
    // Prepare
    const old: PipelineJson = { ...before, context: { startedAt: '2026-12-02T19:52:40.620Z' } };
    const late: PipelineJson = {
      ...after,
      context: { startedAt: '2026-12-05T12:08:44.181Z', hostSpeedAtStart: { jsonMs: 77.9, sha256Ms: 19 } },
    };
    // Act
    const table = beforeAfterTable(old, late);
    // Assess
    expect(rowOf(table, '(a) first accept → last delivered')).toBe(
      '| (a) first accept → last delivered | 128 msg/s | 400 msg/s | ≥ 3 × before (runs 64.3 h apart, see below) |',
    );
    expect(table.split('\n').at(-1)).toBe(
      "Before and after are not one session: before and after started 64.3 h apart (2026-12-02 19:52 and 2026-12-05 12:08 UTC); the before run recorded no host speed. This host's speed moves by up to 2-3x between days, so the before/after ratios carry that too.",
    );
  });
});

describe('withTable', () => {
  it('when the README has the markers, then only the text between them is replaced', () => {
    // Prepare
    const readme = `# x\n\n${TABLE_START}\n\nold table\n\n${TABLE_END}\n\nafter\n`;
    // Act
    const updated = withTable(readme, '| new |');
    // Assess
    expect(updated).toBe(`# x\n\n${TABLE_START}\n\n| new |\n\n${TABLE_END}\n\nafter\n`);
  });

  it('when the markers are missing, then it fails naming them rather than writing nothing', () => {
    expect(() => withTable('# no table here', '| new |')).toThrow(TABLE_START);
  });
});
