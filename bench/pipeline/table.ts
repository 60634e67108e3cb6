// The README's before/after table, generated from two pipeline runs' JSON (bench/results/
// pipeline-before.json and pipeline.json), so that no figure in it is typed by hand. A figure of a
// part that stalled, skipped refused sends or ran at other conditions than the issue's says so in
// its cell (validity.ts); (c)'s cell shows the window and backlog it was measured at; and when the
// two runs are not one session (started more than 12 h apart, host speed missing or different), a
// note under the table says so.
import type { CallsPerUnit } from '#core/aws/call-counter.ts';
import { LIMITS } from './targets.ts';
import {
  CONDITIONS,
  comparability,
  memoryIssues,
  type RunContext,
  throughputIssues,
  urgentIssues,
} from './validity.ts';

/** The figures of a pipeline run the table shows; every one optional (older runs have fewer). */
export interface PipelineJson {
  context?: RunContext & { loadAverageAtStart?: number[]; commit?: string };
  throughput?: {
    messages?: number;
    completed?: boolean;
    refused?: number;
    delivered?: number;
    acceptLatencyMs?: { p50?: number; p99?: number };
    deliveredPerSec?: number;
    bindServiceCpuMsPerMessage?: number;
    bindServiceAwsCallsPerMessage?: CallsPerUnit;
    cpuBudget?: { machineMsPerMessage?: number; dynamoDbLocal?: { msPerMessage?: number } };
  };
  urgent?: {
    bulkMessages?: number;
    urgentMessages?: number;
    urgentAcceptToSubmitMs?: { p50?: number; p99?: number; max?: number };
    submitRatePerSec?: number;
    bindServiceCpuMsPerMessage?: number;
  };
  memory?: {
    backlog?: number;
    window?: number;
    peakRssMb?: number;
    maxRssMb?: number;
    completed?: boolean;
    submitted?: number;
    runtime?: string;
    nodeOptions?: string;
    taskNodeOptions?: string;
    drainSeconds?: number;
  };
  api?: { cpuMsPerMessage?: number; awsCallsPerMessage?: CallsPerUnit };
  twoAccounts?: {
    accounts?: { name?: string; submitRatePerSec?: number; rate?: number }[];
    targetRatePerSec?: number;
    aggregateRatePerSec?: number;
  };
}

export const TABLE_START = '<!-- bench:pipeline-table:start (npm run bench:table) -->';
export const TABLE_END = '<!-- bench:pipeline-table:end -->';

const MISSING = 'not measured';

type Cell = (run: PipelineJson) => string | undefined;

const unit = (value: number | undefined, suffix: string) =>
  value === undefined ? undefined : `${value}${suffix}`;

/** `text` with " (why)" when the part is not clean; lenient: older runs lack the flags. */
const mark = (text: string | undefined, issues: readonly string[]) =>
  text === undefined || issues.length === 0 ? text : `${text} (${issues.join('; ')})`;

const aIssues = (run: PipelineJson) => (run.throughput ? throughputIssues(run.throughput, false) : []);

const calls = (value: CallsPerUnit | undefined) =>
  value === undefined
    ? undefined
    : `${value.total} (${Object.entries(value.byCommand)
        .map(([command, count]) => `${command} ${count}`)
        .join(', ')})`;

const RATE_FIGURE = '(a) first accept → last delivered';

const ROWS: { figure: string; target: string; cell: Cell }[] = [
  {
    figure: RATE_FIGURE,
    target: `≥ ${LIMITS.deliveredFactor} × before`,
    cell: (run) => mark(unit(run.throughput?.deliveredPerSec, ' msg/s'), aIssues(run)),
  },
  {
    figure: '(a) accept latency p50 / p99',
    target: '',
    cell: ({ throughput: a }) =>
      a?.acceptLatencyMs ? `${a.acceptLatencyMs.p50} / ${a.acceptLatencyMs.p99} ms` : undefined,
  },
  {
    figure: '(a) bind-service CPU per message',
    target: `≤ ${LIMITS.cpuMsPerMessage} ms`,
    cell: (run) => mark(unit(run.throughput?.bindServiceCpuMsPerMessage, ' ms'), aIssues(run)),
  },
  {
    figure: '(a) bind-service AWS calls per message',
    target: '',
    cell: (run) => calls(run.throughput?.bindServiceAwsCallsPerMessage),
  },
  {
    figure: '(a) CPU per message: whole machine / DynamoDB Local',
    target: '',
    cell: ({ throughput: a }) =>
      a?.cpuBudget?.machineMsPerMessage === undefined
        ? undefined
        : `${a.cpuBudget.machineMsPerMessage} / ${a.cpuBudget.dynamoDbLocal?.msPerMessage} ms`,
  },
  {
    figure: '(b) urgent accept → SUBMIT_SM p50 / p99 / max',
    target: `p99 ≤ ${LIMITS.urgentP99Ms} ms, ≥ ${LIMITS.urgentSamples} samples`,
    cell: ({ urgent: b }) =>
      b?.urgentAcceptToSubmitMs
        ? `${b.urgentAcceptToSubmitMs.p50} / ${b.urgentAcceptToSubmitMs.p99} / ${b.urgentAcceptToSubmitMs.max} ms (${[`${b.urgentMessages} samples`, ...urgentIssues(b, false)].join('; ')})`
        : undefined,
  },
  {
    figure: '(b) SUBMIT_SM rate under the drain',
    target: '100 ± 2 msg/s',
    cell: (run) => unit(run.urgent?.submitRatePerSec, ' msg/s'),
  },
  {
    figure: '(b) bind-service CPU per message',
    target: '',
    cell: (run) => unit(run.urgent?.bindServiceCpuMsPerMessage, ' ms'),
  },
  {
    // The label is the figure; the cell shows the window and backlog it was measured at.
    figure: '(c) bind-service peak RSS',
    target: `≤ ${LIMITS.peakRssMb} MB at window ${CONDITIONS.window}, ≥ ${CONDITIONS.backlog.toLocaleString('en-US')} backlog, as shipped`,
    cell: ({ memory: c }) =>
      c?.peakRssMb === undefined
        ? undefined
        : mark(
            `${Math.max(c.peakRssMb, c.maxRssMb ?? 0)} MB at window ${c.window ?? '?'}, backlog ${c.backlog ?? '?'}`,
            memoryIssues(c, false),
          ),
  },
  {
    figure: '(c) backlog drain time',
    target: '',
    cell: ({ memory: c }) =>
      c?.drainSeconds === undefined
        ? undefined
        : `${c.drainSeconds} s${c.completed === false ? ' (stalled)' : ''}`,
  },
  {
    figure: 'API CPU per accepted message',
    target: '',
    cell: (run) => unit(run.api?.cpuMsPerMessage, ' ms'),
  },
  {
    figure: 'API AWS calls per accepted message',
    target: '',
    cell: (run) => calls(run.api?.awsCallsPerMessage),
  },
  {
    figure: '(d) two accounts: aggregate SUBMIT_SM rate',
    target: `sum of the account rates ± ${LIMITS.twoAccountsPercent}%`,
    cell: ({ twoAccounts: d }) =>
      d?.aggregateRatePerSec === undefined
        ? undefined
        : `${d.aggregateRatePerSec} of ${d.targetRatePerSec} msg/s (${(d.accounts ?? [])
            .map((account) => `${account.name} ${account.submitRatePerSec}/${account.rate}`)
            .join(', ')})`,
  },
];

const escapePipes = (text: string) => text.replaceAll('|', '\\|');

const runName = (run: PipelineJson, name: string) =>
  run.context?.startedAt ? `${name} (${run.context.startedAt.slice(0, 10)})` : name;

/**
 * The Markdown table: one row per figure, "not measured" where a run lacks it; when before and
 * after are not one session, the 3x row's target says so and a note follows the table.
 */
export function beforeAfterTable(before: PipelineJson, after: PipelineJson): string {
  const { hoursApart, notes } = comparability(before, after);
  const apart =
    notes.length === 0
      ? ''
      : hoursApart !== undefined && hoursApart > CONDITIONS.maxHoursApart
        ? ` (runs ${hoursApart} h apart, see below)`
        : ' (see the note below)';
  const lines = [
    `| figure | ${runName(before, 'before')} | ${runName(after, 'after')} | target |`,
    '| --- | --- | --- | --- |',
    ...ROWS.map(({ figure, target, cell }) => {
      const shown = figure === RATE_FIGURE ? `${target}${apart}` : target;
      return `| ${[figure, cell(before) ?? MISSING, cell(after) ?? MISSING, shown].map(escapePipes).join(' | ')} |`;
    }),
  ];
  if (notes.length > 0)
    lines.push(
      '',
      `Before and after are not one session: ${notes.join('; ')}. This host's speed moves by up to 2-3x between days, so the before/after ratios carry that too.`,
    );
  return lines.join('\n');
}

/** `document` with the text between the table's markers replaced by `table`. */
export function withTable(document: string, table: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`the table's markers are missing: ${TABLE_START} ... ${TABLE_END}`);
  return `${document.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${document.slice(end)}`;
}
