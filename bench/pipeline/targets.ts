// The targets of issue 11, checked against one pipeline run (and the "before" run, and the SMPP
// engine's last results): each one a figure, what it must be, and whether it is. A part that
// stalled, skipped refused sends or ran at other conditions than the issue's (validity.ts) misses
// its targets whatever its figures, and its value says why.
import type { CallsPerUnit } from '#core/aws/call-counter.ts';
import { parseSmppResults, type SmppResults, type SmppRow } from '../smpp-results.ts';
import {
  CONDITIONS,
  comparability,
  type MemoryFacts,
  memoryIssues,
  type RunContext,
  type ThroughputFacts,
  throughputIssues,
  type UrgentFacts,
  urgentIssues,
} from './validity.ts';

export type { SmppRow } from '../smpp-results.ts';

export interface Target {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

/** The parts of a pipeline run the targets read (older runs lack the newer figures). */
export interface PipelineFigures {
  context?: RunContext | undefined;
  throughput?:
    | (ThroughputFacts & {
        deliveredPerSec: number;
        bindServiceCpuMsPerMessage: number;
        bindServiceAwsCallsPerMessage?: CallsPerUnit;
        cpuBudget?: { cores: number; dynamoDbLocalCeilingPerSec: number } | undefined;
      })
    | undefined;
  urgent?: (UrgentFacts & { urgentMessages: number; urgentAcceptToSubmitMs: { p99: number } }) | undefined;
  memory?: (MemoryFacts & { peakRssMb: number; maxRssMb: number }) | undefined;
  twoAccounts?:
    | {
        accounts: { name: string; submitRatePerSec: number }[];
        targetRatePerSec: number;
        aggregateRatePerSec: number;
      }
    | undefined;
}

const NOT_RUN = 'not run';

export const LIMITS = {
  cpuMsPerMessage: 0.5,
  deliveredFactor: 3,
  urgentP99Ms: 250,
  urgentSamples: 1000,
  peakRssMb: 150,
  peakRssWindow: CONDITIONS.window,
  peakRssBacklog: CONDITIONS.backlog,
  smppWindow: 100,
  smppMsgPerSec: 40_000,
  smppCpuMsPer1000: 30,
  /** (d) issue 12: the two logins' rates add up to the sum of their configured rates within this. */
  twoAccountsPercent: 2,
} as const;

/** " [why]" after a value whose part is not a clean run at the issue's conditions; "" when it is. */
const marked = (issues: readonly string[]) => (issues.length > 0 ? ` [${issues.join('; ')}]` : '');

export function checkTargets(
  run: PipelineFigures,
  before: PipelineFigures | undefined,
  smpp: SmppResults | readonly SmppRow[] | undefined,
): Target[] {
  const targets: Target[] = [];
  const a = run.throughput;
  const aIssues = a ? throughputIssues(a) : [];
  const cpu = a?.bindServiceCpuMsPerMessage ?? Number.NaN;
  targets.push({
    name: '(a) bind-service CPU per message',
    value: a ? `${cpu} ms${marked(aIssues)}` : NOT_RUN,
    target: `<= ${LIMITS.cpuMsPerMessage} ms`,
    ok: a !== undefined && aIssues.length === 0 && cpu <= LIMITS.cpuMsPerMessage,
  });
  targets.push(rateTarget(run, before, aIssues));
  const b = run.urgent;
  const bIssues = b ? urgentIssues(b) : [];
  const samples = b?.urgentMessages ?? 0;
  const p99 = b?.urgentAcceptToSubmitMs.p99 ?? Number.NaN;
  targets.push({
    name: '(b) urgent accept -> SUBMIT_SM p99',
    value: b ? `${p99} ms over ${samples} samples${marked(bIssues)}` : NOT_RUN,
    target: `<= ${LIMITS.urgentP99Ms} ms, >= ${LIMITS.urgentSamples} samples`,
    ok:
      b !== undefined && bIssues.length === 0 && p99 <= LIMITS.urgentP99Ms && samples >= LIMITS.urgentSamples,
  });
  targets.push(peakRssTarget(run.memory));
  targets.push(twoAccountsTarget(run.twoAccounts));
  targets.push(smppTarget(Array.isArray(smpp) ? { rows: smpp } : parseSmppResults(smpp)));
  return targets;
}

/** (a)'s rate against 3 x the before run's, at the same size; says when the two are not one session. */
function rateTarget(run: PipelineFigures, before: PipelineFigures | undefined, issues: string[]): Target {
  const a = run.throughput;
  const rate = a?.deliveredPerSec ?? Number.NaN;
  const beforeRate = before?.throughput?.deliveredPerSec;
  const needed = beforeRate === undefined ? Number.NaN : beforeRate * LIMITS.deliveredFactor;
  const caveats: string[] = [];
  const beforeSize = before?.throughput?.messages;
  const sameSize = beforeSize === undefined || beforeSize === a?.messages;
  if (!sameSize) caveats.push(`before sent ${beforeSize} messages, after ${a?.messages ?? '?'}`);
  if (beforeRate !== undefined) caveats.push(...comparability(before, run).notes);
  const why = caveats.length > 0 ? `; ${caveats.join('; ')}` : '';
  return {
    name: '(a) first accept -> last delivered',
    value: a ? `${rate} msg/s${ceilingNote(a.cpuBudget)}${marked(issues)}` : NOT_RUN,
    target:
      beforeRate === undefined
        ? 'no "before" run'
        : `>= ${needed} msg/s (${LIMITS.deliveredFactor} x ${beforeRate}${why})`,
    ok: a !== undefined && issues.length === 0 && sameSize && rate >= needed,
  };
}

/** (c): the peak of a whole drain of >= 20,000 at window 2000, in the bundle with the task's NODE_OPTIONS. */
function peakRssTarget(c: PipelineFigures['memory']): Target {
  const issues = c ? memoryIssues(c) : [];
  const peak = c ? Math.max(c.peakRssMb, c.maxRssMb) : Number.NaN;
  return {
    name: '(c) bind-service peak RSS',
    value: c
      ? `${peak} MB at window ${c.window ?? '?'}, backlog ${c.backlog ?? '?'} (${c.runtime ?? 'runtime not recorded'}, NODE_OPTIONS ${c.nodeOptions === undefined ? 'not recorded' : `"${c.nodeOptions}"`})${marked(issues)}`
      : NOT_RUN,
    target: `<= ${LIMITS.peakRssMb} MB at window ${LIMITS.peakRssWindow}, backlog >= ${LIMITS.peakRssBacklog}, the bundle with the task's NODE_OPTIONS`,
    ok: c !== undefined && issues.length === 0 && peak <= LIMITS.peakRssMb,
  };
}

/** The SMPP engine's window-100 row; its CPU figure is the engine's and the simulator's processes together. */
function smppTarget(smpp: SmppResults | undefined): Target {
  const engine = smpp?.rows.find((row) => row.window === LIMITS.smppWindow);
  return {
    name: `SMPP engine, window ${LIMITS.smppWindow} (CPU: engine + simulator)`,
    value: engine
      ? `${engine.msgPerSec} msg/s, ${engine.cpuMsPer1000} CPU-ms per 1000 (engine + simulator processes; ${smppProvenance(smpp)})`
      : 'no smpp results',
    target: `>= ${LIMITS.smppMsgPerSec} msg/s, <= ${LIMITS.smppCpuMsPer1000} CPU-ms per 1000`,
    ok:
      engine !== undefined &&
      engine.msgPerSec >= LIMITS.smppMsgPerSec &&
      engine.cpuMsPer1000 <= LIMITS.smppCpuMsPer1000,
  };
}

function smppProvenance(smpp: SmppResults | undefined): string {
  const context = smpp?.context;
  if (!context) return 'smpp.json undated: no start time, commit or host speed';
  const at = `${context.startedAt.slice(0, 10)} ${context.startedAt.slice(11, 16)} UTC`;
  return [
    `smpp.json of ${at}`,
    context.commit ?? 'no commit',
    `host JSON ${context.hostSpeed.jsonMs} ms`,
  ].join(', ');
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
