// The targets of issue 11, checked against one pipeline run (and the "before" run, and the SMPP
// engine's last results): each one a figure, what it must be, and whether it is.
import type { CallsPerUnit } from '#core/aws/call-counter.ts';

export interface Target {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

export interface SmppRow {
  window: number;
  msgPerSec: number;
  cpuMsPer1000: number;
}

/** The parts of a pipeline run the targets read (older runs lack the newer figures). */
export interface PipelineFigures {
  throughput?: {
    deliveredPerSec: number;
    bindServiceCpuMsPerMessage: number;
    bindServiceAwsCallsPerMessage?: CallsPerUnit;
    cpuBudget?: { cores: number; dynamoDbLocalCeilingPerSec: number };
  };
  urgent?: { urgentMessages: number; urgentAcceptToSubmitMs: { p99: number } };
  memory?: { peakRssMb: number; maxRssMb: number };
  twoAccounts?: {
    accounts: { name: string; submitRatePerSec: number }[];
    targetRatePerSec: number;
    aggregateRatePerSec: number;
  };
}

const NOT_RUN = 'not run';

export const LIMITS = {
  cpuMsPerMessage: 0.5,
  deliveredFactor: 3,
  urgentP99Ms: 250,
  urgentSamples: 1000,
  peakRssMb: 150,
  smppWindow: 100,
  smppMsgPerSec: 40_000,
  smppCpuMsPer1000: 30,
  /** (d) issue 12: the two logins' rates add up to the sum of their configured rates within this. */
  twoAccountsPercent: 2,
} as const;

export function checkTargets(
  run: PipelineFigures,
  before: PipelineFigures | undefined,
  smpp: readonly SmppRow[] | undefined,
): Target[] {
  const targets: Target[] = [];
  const cpu = run.throughput?.bindServiceCpuMsPerMessage ?? Number.NaN;
  targets.push({
    name: '(a) bind-service CPU per message',
    value: run.throughput ? `${cpu} ms` : NOT_RUN,
    target: `<= ${LIMITS.cpuMsPerMessage} ms`,
    ok: cpu <= LIMITS.cpuMsPerMessage,
  });
  const rate = run.throughput?.deliveredPerSec ?? Number.NaN;
  const beforeRate = before?.throughput?.deliveredPerSec;
  const needed = beforeRate === undefined ? Number.NaN : beforeRate * LIMITS.deliveredFactor;
  targets.push({
    name: '(a) first accept -> last delivered',
    value: run.throughput ? `${rate} msg/s${ceilingNote(run.throughput.cpuBudget)}` : NOT_RUN,
    target: beforeRate === undefined ? 'no "before" run' : `>= ${needed} msg/s (3 x ${beforeRate})`,
    ok: rate >= needed,
  });
  const samples = run.urgent?.urgentMessages ?? 0;
  const p99 = run.urgent?.urgentAcceptToSubmitMs.p99 ?? Number.NaN;
  targets.push({
    name: '(b) urgent accept -> SUBMIT_SM p99',
    value: run.urgent ? `${p99} ms over ${samples} samples` : NOT_RUN,
    target: `<= ${LIMITS.urgentP99Ms} ms, >= ${LIMITS.urgentSamples} samples`,
    ok: p99 <= LIMITS.urgentP99Ms && samples >= LIMITS.urgentSamples,
  });
  const peak = run.memory ? Math.max(run.memory.peakRssMb, run.memory.maxRssMb) : Number.NaN;
  targets.push({
    name: '(c) bind-service peak RSS',
    value: run.memory ? `${peak} MB` : NOT_RUN,
    target: `<= ${LIMITS.peakRssMb} MB`,
    ok: peak <= LIMITS.peakRssMb,
  });
  targets.push(twoAccountsTarget(run.twoAccounts));
  const engine = smpp?.find((row) => row.window === LIMITS.smppWindow);
  targets.push({
    name: `SMPP engine, window ${LIMITS.smppWindow}`,
    value: engine ? `${engine.msgPerSec} msg/s, ${engine.cpuMsPer1000} CPU-ms per 1000` : 'no smpp results',
    target: `>= ${LIMITS.smppMsgPerSec} msg/s, <= ${LIMITS.smppCpuMsPer1000} CPU-ms per 1000`,
    ok:
      engine !== undefined &&
      engine.msgPerSec >= LIMITS.smppMsgPerSec &&
      engine.cpuMsPer1000 <= LIMITS.smppCpuMsPer1000,
  });
  return targets;
}

/** Where the run measured it: the rate DynamoDB Local's JVM alone allows, next to the rate made. */
function ceilingNote(budget: { cores: number; dynamoDbLocalCeilingPerSec: number } | undefined): string {
  if (!budget) return '';
  return ` (DynamoDB Local alone: at most ${budget.dynamoDbLocalCeilingPerSec} on ${budget.cores} cores)`;
}

/** (d): the aggregate SUBMIT_SM rate of two logins = the sum of their rates, within 2%. */
function twoAccountsTarget(d: PipelineFigures['twoAccounts']): Target {
  const name = '(d) two accounts: aggregate SUBMIT_SM rate';
  const limit = LIMITS.twoAccountsPercent;
  if (!d) return { name, value: NOT_RUN, target: `sum of the account rates ± ${limit}%`, ok: false };
  const each = d.accounts.map((account) => `${account.name} ${account.submitRatePerSec}`).join(' + ');
  return {
    name,
    value: `${d.aggregateRatePerSec} msg/s (${each})`,
    target: `${d.targetRatePerSec} msg/s ± ${limit}%`,
    ok: Math.abs(d.aggregateRatePerSec - d.targetRatePerSec) <= (d.targetRatePerSec * limit) / 100,
  };
}

/** "1.2 (DynamoDB.PutItem 0.5, SQS.SendMessage 0.5, ...)": total calls per message, then by command. */
export function formatCalls(calls: CallsPerUnit | undefined): string {
  if (!calls) return 'not counted';
  const parts = Object.entries(calls.byCommand).map(([command, count]) => `${command} ${count}`);
  return `${calls.total} (${parts.join(', ')})`;
}
