// What the pipeline benchmark prints: every figure of the parts that ran (a part that stalled,
// skipped refused sends or ran at other conditions than the issue's says so next to its figures),
// then the targets with ok/MISSED.
import type { SmppResults } from '../smpp-results.ts';
import type { ApiCostResult, MemoryResult } from './memory.ts';
import { checkTargets, formatCalls, type PipelineFigures, type Target } from './targets.ts';
import type { ThroughputResult } from './throughput.ts';
import type { TwoAccountsResult } from './two-accounts.ts';
import type { UrgentResult } from './urgent.ts';
import { memoryIssues, partIssues, type RunContext, throughputIssues } from './validity.ts';

export interface PipelineRun {
  context?: RunContext | undefined;
  throughput?: ThroughputResult | undefined;
  urgent?: UrgentResult | undefined;
  memory?: MemoryResult | undefined;
  api?: ApiCostResult | undefined;
  twoAccounts?: TwoAccountsResult | undefined;
}

type Row = [string, string];

/** " [why]" after a figure whose part is not clean; "" when it is. */
const marked = (issues: readonly string[]) => (issues.length > 0 ? ` [${issues.join('; ')}]` : '');

function throughputRows(a: ThroughputResult): Row[] {
  const mark = marked(throughputIssues(a));
  return [
    [
      '(a) messages sent / refused / delivered',
      `${a.messages} / ${a.refused} / ${a.delivered}${a.completed ? '' : ' (STALLED: no delivery for 60 s)'}`,
    ],
    ['(a) accept latency p50 / p99', `${a.acceptLatencyMs.p50} / ${a.acceptLatencyMs.p99} ms`],
    ['(a) accepted per second (HTTP)', `${a.acceptPerSec} msg/s`],
    ['(a) first accept -> last delivered', `${a.deliveredPerSec} msg/s (${a.totalSeconds} s)${mark}`],
    ['(a) bind-service CPU per message', `${a.bindServiceCpuMsPerMessage} ms${mark}`],
    ['(a) bind-service AWS calls per message', formatCalls(a.bindServiceAwsCallsPerMessage)],
    ...cpuBudgetRows(a),
    // Each one is a DELIVER_SM parsed and answered again: CPU the bind-service spends per message.
    ['(a) receipts sent again (store busy)', String(a.receiptRetries)],
  ];
}

function cpuBudgetRows(a: ThroughputResult): Row[] {
  const cpu = a.cpuBudget;
  if (!cpu) return [['(a) machine CPU per message', 'not measured (no /proc here)']];
  const db = cpu.dynamoDbLocal;
  return [
    [
      `(a) machine CPU per message (${cpu.cores} cores)`,
      `${cpu.machineMsPerMessage} ms: DynamoDB Local ${db.msPerMessage}, stack process ${cpu.stackMsPerMessage}, bind-service ${cpu.bindServiceMsPerMessage}, other ${cpu.otherMsPerMessage}; ${cpu.stealPercent}% stolen by the host`,
    ],
    [
      '(a) DynamoDB Local busiest thread per message',
      `${db.busiestThreadMsPerMessage} ms ("${db.busiestThread}", running ${db.busiestThreadBusyPercent}% of the time)`,
    ],
    [
      '(a) DynamoDB Local ceiling: cores x 1000 / its ms',
      `${cpu.dynamoDbLocalCeilingPerSec} msg/s (its JVM alone on every core)`,
    ],
  ];
}

function urgentRows(b: UrgentResult): Row[] {
  const latency = b.urgentAcceptToSubmitMs;
  return [
    ['(b) bulk messages / urgent messages', `${b.bulkMessages} / ${b.urgentMessages}`],
    [
      '(b) urgent accept -> SUBMIT_SM p50 / p99 / max',
      `${latency.p50} / ${latency.p99} / ${latency.max} ms (${latency.samples} samples)`,
    ],
    [
      '(b)   of which 202 -> claim / claim -> wire p99',
      `${b.urgentBreakdownMs.toClaim.p99} / ${b.urgentBreakdownMs.claimToWire.p99} ms`,
    ],
    ['(b) SUBMIT_SM rate, steady window', `${b.submitRatePerSec} msg/s (bulk alone ${b.bulkRatePerSec})`],
    [
      '(b) DynamoDB Local write p50/p99/max (probe)',
      `${b.storageWriteMs.p50} / ${b.storageWriteMs.p99} / ${b.storageWriteMs.max} ms`,
    ],
    [
      '(b) event-loop delay p99/max: stack, bind-service',
      `${b.eventLoopDelayMs.stack.p99}/${b.eventLoopDelayMs.stack.max}, ${b.eventLoopDelayMs.bindService.p99}/${b.eventLoopDelayMs.bindService.max} ms`,
    ],
    ['(b) throttling answers', String(b.throttled)],
    ['(b) bind-service CPU per message', `${b.bindServiceCpuMsPerMessage} ms`],
    ['(b) bind-service AWS calls per message', formatCalls(b.bindServiceAwsCallsPerMessage)],
  ];
}

function memoryRows(c: MemoryResult): Row[] {
  return [
    ['(c) backlog / window', `${c.backlog} / ${c.window} (queued in ${c.enqueueSeconds} s)`],
    [
      `(c) bind-service peak RSS (sampled / kernel ${c.maxRssSource})`,
      `${c.peakRssMb} / ${c.maxRssMb} MB (idle after bind: ${c.rssIdleAfterBindMb}, after: ${c.rssAfterDrainMb}; ${c.runtime}, NODE_OPTIONS "${c.nodeOptions}")${marked(memoryIssues(c))}`,
    ],
    [
      '(c) at the peak: V8 heap total / used, external (array buffers)',
      `${c.atPeak.heapTotalMb} / ${c.atPeak.heapUsedMb} MB, ${c.atPeak.externalMb} (${c.atPeak.arrayBuffersMb}) MB`,
    ],
    ['(c) at the peak: V8 heap spaces, size / used MB', formatSpaces(c.atPeak.spaces)],
    [
      '(c) receipts answered OK / sent again; outcomes; records',
      `${c.receiptsAcked} / ${c.receiptRetries}; ${JSON.stringify(c.receiptOutcomes)}; ${JSON.stringify(c.recordsByStatus)}`,
    ],
    [
      '(c) drain: start -> all submitted and receipts answered OK',
      `${c.drainSeconds} s (${c.submittedPerSec} msg/s)`,
    ],
    ['(c) bind-service CPU per message', `${c.bindServiceCpuMsPerMessage} ms`],
    ['(c) bind-service AWS calls per message', formatCalls(c.bindServiceAwsCallsPerMessage)],
  ];
}

function formatSpaces(spaces: MemoryResult['atPeak']['spaces']): string {
  return Object.entries(spaces)
    .map(([name, space]) => `${name.replace(/_space$/, '')} ${space.sizeMb}/${space.usedMb}`)
    .join(', ');
}

function apiRows(api: ApiCostResult): Row[] {
  return [
    [
      'API: single POSTs measured',
      `${api.messages} (${api.acceptPerSec} msg/s, ${api.concurrency} connections)`,
    ],
    ['API: CPU per accepted message', `${api.cpuMsPerMessage} ms`],
    ['API: AWS calls per accepted message', formatCalls(api.awsCallsPerMessage)],
  ];
}

function twoAccountsRows(d: TwoAccountsResult): Row[] {
  return [
    ...d.accounts.map(
      (account): Row => [
        `(d) account ${account.name} (${account.systemId}): SUBMIT_SM rate`,
        `${account.submitRatePerSec} msg/s of ${account.rate} (backlog ${account.backlog})`,
      ],
    ),
    ...d.accounts.map(
      (account): Row => [
        `(d) account ${account.name}: held back by the store / by its rate`,
        `${account.storeBoundPercent}% / ${account.rateBoundPercent}% of the drain`,
      ],
    ),
    [
      '(d) aggregate SUBMIT_SM rate, common steady window',
      `${d.aggregateRatePerSec} msg/s of ${d.targetRatePerSec} (${d.deviationPercent}%, ${d.windowSeconds} s)`,
    ],
    ['(d) throttling answers', String(d.throttled)],
    ['(d) queued in / drained in', `${d.enqueueSeconds} s / ${d.drainSeconds} s`],
    ['(d) bind-service event-loop delay p99 / max', `${d.loopDelayMs.p99} / ${d.loopDelayMs.max} ms`],
  ];
}

const warnings = (found: Record<string, number>) =>
  Object.entries(found)
    .map(([msg, count]) => `${count} x ${msg}`)
    .join('; ') || 'none';

/** Prints the run and its targets; returns the targets. */
export function printReport(
  run: PipelineRun,
  before: PipelineFigures | undefined,
  smpp: SmppResults | undefined,
): Target[] {
  const rows: Row[] = [
    ...(run.throughput ? throughputRows(run.throughput) : []),
    ...(run.urgent ? urgentRows(run.urgent) : []),
    ...(run.memory ? memoryRows(run.memory) : []),
    ...(run.api ? apiRows(run.api) : []),
    ...(run.twoAccounts ? twoAccountsRows(run.twoAccounts) : []),
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log('');
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
  if (run.api) console.log(`API CPU includes ${run.api.includes}`);
  if (run.throughput)
    console.log(`\nbind-service warnings (a): ${warnings(run.throughput.bindServiceWarnings)}`);
  if (run.urgent) console.log(`bind-service warnings (b): ${warnings(run.urgent.bindServiceWarnings)}`);
  if (run.memory) console.log(`bind-service warnings (c): ${warnings(run.memory.bindServiceWarnings)}`);
  if (run.twoAccounts)
    console.log(`bind-service warnings (d): ${warnings(run.twoAccounts.bindServiceWarnings)}`);

  const issues = Object.entries(partIssues(run));
  if (issues.length > 0) {
    console.log(
      '\nNOT CLEAN (its targets are missed whatever the figures; pipeline.json says so in partIssues):',
    );
    for (const [part, why] of issues) console.log(`  (${part}) ${why.join('; ')}`);
  }

  const targets = checkTargets(run, before, smpp);
  const targetWidth = Math.max(...targets.map(({ name }) => name.length));
  const valueWidth = Math.max(...targets.map(({ value }) => value.length));
  console.log('\ntargets (issues 11 and 12):');
  for (const { name, value, target, ok } of targets)
    console.log(
      `${name.padEnd(targetWidth)}  ${value.padEnd(valueWidth)}  ${target}: ${ok ? 'ok' : 'MISSED'}`,
    );
  return targets;
}
