import { describe, expect, it } from 'vitest';
import {
  beforeAfterTable,
  type PipelineJson,
  TABLE_END,
  TABLE_START,
  withTable,
} from '#bench/pipeline/table.ts';

const before: PipelineJson = {
  context: { startedAt: '2026-11-25T16:18:03.268Z' },
  throughput: {
    deliveredPerSec: 128,
    bindServiceCpuMsPerMessage: 4.37,
    acceptLatencyMs: { p50: 333.9, p99: 801.9 },
  },
  urgent: { urgentMessages: 177, urgentAcceptToSubmitMs: { p50: 12.8, p99: 64.4, max: 70 } },
};
const after: PipelineJson = {
  context: { startedAt: '2026-12-01T19:00:00.000Z' },
  throughput: {
    deliveredPerSec: 400,
    bindServiceCpuMsPerMessage: 0.45,
    bindServiceAwsCallsPerMessage: {
      total: 0.5,
      attempts: 0.5,
      byCommand: { 'DynamoDB.BatchExecuteStatement': 0.5 },
    },
  },
  memory: { peakRssMb: 120.5, maxRssMb: 122, drainSeconds: 50, completed: true },
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
    expect(table.split('\n')[0]).toBe('| figure | before (2026-11-25) | after (2026-12-01) | target |');
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
    expect(rowOf(table, '(c) bind-service peak RSS, window 2000, 20,000 backlog')).toContain(
      '| not measured | 122 MB |',
    );
    expect(rowOf(table, '(b) urgent accept → SUBMIT_SM p50 / p99 / max')).toContain(
      '| 12.8 / 64.4 / 70 ms (177 samples) | not measured |',
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
