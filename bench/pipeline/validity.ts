// Whether a part's figures are a clean measurement under the conditions issue 11's targets assume,
// and whether a "before" and an "after" run compare as one session. A part that stalled (no progress
// for a minute or more: (a) divides by what arrived, (c) keeps the peak of a partial drain), that
// skipped refused sends, or that ran at another size, window, runtime or heap than the issue's is not
// the figure the target is about: the targets count it as missed and the table and report mark it.
import { bindServiceNodeOptions } from '../../cdk/constructs/compute/node-heap.ts';
import { SIZING_DEFAULTS } from '../../cdk/constructs/props.ts';

/** The conditions the issue's targets assume (and the benchmark's defaults). */
export const CONDITIONS = {
  /** (a): the size "before" and the issue's "today" were measured at (BENCH_MESSAGES' default). */
  messages: 10_000,
  /** (b): "under the bulk drain" of BENCH_BULK's default; fewer and the drain ends early. */
  bulk: 20_000,
  /** (c): "at window 2000 with a 20,000-message backlog", queued before the bind-service starts. */
  backlog: 20_000,
  window: 2000,
  /** (c): the bind-service as it ships: the bundle under plain node (not tsx), with the task's NODE_OPTIONS. */
  runtime: 'bundle',
  /** Before and after further apart than this are not "the same run" the issue asks for. */
  maxHoursApart: 12,
  /** Host speeds (JSON work) further apart than this share are stated. */
  hostSpeedShare: 0.1,
} as const;

/** The NODE_OPTIONS the task gets at its default size, as the code stands now. */
export const shippedNodeOptions = () => bindServiceNodeOptions(SIZING_DEFAULTS.memoryLimitMiB);

export interface ThroughputFacts {
  messages?: number | undefined;
  completed?: boolean | undefined;
  refused?: number | undefined;
  delivered?: number | undefined;
}

export interface UrgentFacts {
  bulkMessages?: number | undefined;
}

export interface MemoryFacts {
  backlog?: number | undefined;
  window?: number | undefined;
  completed?: boolean | undefined;
  submitted?: number | undefined;
  runtime?: string | undefined;
  nodeOptions?: string | undefined;
  /** The task's NODE_OPTIONS when the run was made (newer runs record it). */
  taskNodeOptions?: string | undefined;
}

/**
 * Why (a)'s figures are not a clean run of the issue's size; [] when they are. `strict` (the
 * targets, on runs of this harness, which writes every flag) counts a missing flag too; the table
 * passes false for older runs, whose harness could not write a stalled or refused run at all.
 */
export function throughputIssues(a: ThroughputFacts, strict = true): string[] {
  const issues: string[] = [];
  if (a.completed === false) {
    const accepted = a.messages === undefined ? '?' : a.messages - (a.refused ?? 0);
    issues.push(`STALLED: ${a.delivered ?? '?'} of ${accepted} accepted delivered`);
  } else if (a.completed === undefined && strict) issues.push('completion not recorded');
  if (a.refused === undefined) {
    if (strict) issues.push('refused sends not recorded');
  } else if (a.refused > 0) issues.push(`${a.refused} of ${a.messages ?? '?'} refused`);
  if (a.messages === undefined) {
    if (strict) issues.push('size not recorded');
  } else if (a.messages < CONDITIONS.messages)
    issues.push(`${a.messages} messages, not ${CONDITIONS.messages}`);
  return issues;
}

/** Why (b)'s figures were not taken under the issue's bulk drain; [] when they were. */
export function urgentIssues(b: UrgentFacts, strict = true): string[] {
  if (b.bulkMessages === undefined) return strict ? ['bulk size not recorded'] : [];
  return b.bulkMessages < CONDITIONS.bulk ? [`bulk of ${b.bulkMessages}, not ${CONDITIONS.bulk}`] : [];
}

/**
 * Why (c)'s peak is not that of a whole drain at window 2000 with 20,000 queued in the bind-service
 * as it ships; [] when it is. The NODE_OPTIONS are compared with the task's of the run's own commit
 * when the run recorded them, else with `taskNodeOptions` (by default what ships now).
 */
export function memoryIssues(
  c: MemoryFacts,
  strict = true,
  taskNodeOptions = shippedNodeOptions(),
): string[] {
  const issues: string[] = [];
  if (c.completed === false) issues.push(`STALLED: ${c.submitted ?? '?'} of ${c.backlog ?? '?'} submitted`);
  else if (c.completed === undefined && strict) issues.push('completion not recorded');
  if (c.backlog === undefined) {
    if (strict) issues.push('backlog not recorded');
  } else if (c.backlog < CONDITIONS.backlog) issues.push(`backlog ${c.backlog}, not ${CONDITIONS.backlog}`);
  if (c.window === undefined) {
    if (strict) issues.push('window not recorded');
  } else if (c.window !== CONDITIONS.window) issues.push(`window ${c.window}, not ${CONDITIONS.window}`);
  if (c.runtime === undefined) {
    if (strict) issues.push('runtime not recorded');
  } else if (c.runtime !== CONDITIONS.runtime) issues.push(`runtime ${c.runtime}, not the bundle`);
  const task = c.taskNodeOptions ?? taskNodeOptions;
  if (c.nodeOptions === undefined) {
    if (strict) issues.push('NODE_OPTIONS not recorded');
  } else if (c.nodeOptions !== task) issues.push(`NODE_OPTIONS "${c.nodeOptions}", not the task's "${task}"`);
  return issues;
}

export interface PartsFacts {
  throughput?: ThroughputFacts | undefined;
  urgent?: UrgentFacts | undefined;
  memory?: MemoryFacts | undefined;
}

/** The parts of a run that are not clean, with why: what pipeline.json carries as `partIssues`. */
export function partIssues(run: PartsFacts): { a?: string[]; b?: string[]; c?: string[] } {
  const found: { a?: string[]; b?: string[]; c?: string[] } = {};
  const a = run.throughput ? throughputIssues(run.throughput) : [];
  const b = run.urgent ? urgentIssues(run.urgent) : [];
  const c = run.memory ? memoryIssues(run.memory) : [];
  if (a.length > 0) found.a = a;
  if (b.length > 0) found.b = b;
  if (c.length > 0) found.c = c;
  return found;
}

export interface RunContext {
  startedAt?: string | undefined;
  hostSpeedAtStart?: { jsonMs: number; sha256Ms: number } | undefined;
}

const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/**
 * What keeps a before and an after run from being one session on one host: started more than 12 h
 * apart, a host speed missing from either, or host speeds more than a tenth apart. `notes` is empty
 * when they compare as the issue asks.
 */
export function comparability(
  before: { context?: RunContext | undefined } | undefined,
  after: { context?: RunContext | undefined } | undefined,
): { hoursApart?: number; notes: string[] } {
  const notes: string[] = [];
  const runs = [
    ['before', before?.context],
    ['after', after?.context],
  ] as const;
  for (const [name, context] of runs)
    if (context?.startedAt === undefined) notes.push(`the ${name} run recorded no start time`);
  let hoursApart: number | undefined;
  const from = before?.context?.startedAt;
  const to = after?.context?.startedAt;
  if (from !== undefined && to !== undefined) {
    hoursApart = Math.round((Math.abs(Date.parse(to) - Date.parse(from)) / 3_600_000) * 10) / 10;
    if (hoursApart > CONDITIONS.maxHoursApart)
      notes.push(
        `before and after started ${hoursApart} h apart (${utcMinute(from)} and ${utcMinute(to)} UTC)`,
      );
  }
  for (const [name, context] of runs)
    if (context?.hostSpeedAtStart === undefined) notes.push(`the ${name} run recorded no host speed`);
  const a = before?.context?.hostSpeedAtStart?.jsonMs;
  const b = after?.context?.hostSpeedAtStart?.jsonMs;
  if (a !== undefined && b !== undefined && Math.abs(a - b) > Math.min(a, b) * CONDITIONS.hostSpeedShare)
    notes.push(`host speed at start differs: JSON ${a} ms before, ${b} ms after`);
  return hoursApart === undefined ? { notes } : { hoursApart, notes };
}
