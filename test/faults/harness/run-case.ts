import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { CASES_DIR } from '../case-files.ts';
import type { CaseMeasurement, CaseRow } from '../report.ts';
import { type FaultStack, type FaultStackOptions, startFaultStack } from './fault-stack.ts';
import { checkInvariants, holds, type InvariantReport } from './invariants.ts';
import { quietPeriodMs } from './quiet-period.ts';
import { isSettled, messageRecords, type SentMessage } from './traffic.ts';

// One fault case from start to report: the stack comes up, the case sends traffic and breaks
// something, the system is left to settle, the invariants are checked, and once the case's test has
// ended (its own assertions included) its row is written for docs/reliability.md
// (test/faults/write-report.ts builds the page from the rows). Rows are written only where
// FAULT_RESULTS_DIR is set (vitest.faults.config.ts sets it): CI's fast subset inside `npm test`
// leaves the report alone.

export interface CaseContext {
  stack: FaultStack;
  /** Messages the case sent (the invariants are checked over these). */
  sent: SentMessage[];
  /** Marks the moment the fault ended: recovery time is measured from here to settled. */
  faultEnded(): void;
}

export interface CaseSpec extends Omit<FaultStackOptions, 'prefix'> {
  /** Stable number, as in the issue's list. */
  number: number;
  /** One of several runs of the same case (e.g. a crash point): its own row in the report. */
  variant?: string;
  name: string;
  act(context: CaseContext): Promise<void>;
  /** How long the system may take to settle after the act; default 60 s. */
  settleMs?: number;
  /** Runs once the system has settled, before the stack stops (reads a case needs from it). */
  afterSettle?(stack: FaultStack): Promise<void>;
  /** false: the case starts the bind-service itself. */
  startBindService?: boolean;
  /**
   * Part texts the simulator's duplicate rule may refuse: a case that sends one text twice on
   * purpose keeps the rule on (`simulator.duplicateWindowMs`) and names the text here. Any other
   * refusal by the rule breaks the invariants.
   */
  expectedDuplicateRefusals?: readonly string[];
}

export interface CaseResult {
  report: InvariantReport;
  /** Every message record at the end, by id (for a case's own assertions). */
  records: ReadonlyMap<string, MessageRecord>;
  holds: boolean;
  recoveryMs: number;
}

export async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const row = recordRow(spec);
  let stack: FaultStack | undefined;
  try {
    stack = await startFaultStack({
      prefix: `fault${spec.number}`,
      ...(spec.env ? { env: spec.env } : {}),
      ...(spec.bindEnv ? { bindEnv: spec.bindEnv } : {}),
      ...(spec.simulator ? { simulator: spec.simulator } : {}),
      ...(spec.callbackBackoff ? { callbackBackoff: spec.callbackBackoff } : {}),
      ...(spec.queueVisibilitySeconds !== undefined
        ? { queueVisibilitySeconds: spec.queueVisibilitySeconds }
        : {}),
      ...(spec.itemFaults ? { itemFaults: true } : {}),
    });
    const started = stack;
    if (spec.startBindService !== false) {
      started.bind.start();
      await waitForHealthy(started);
    }
    const sent: SentMessage[] = [];
    let faultEndedAt = Date.now();
    const faultEnded = () => {
      faultEndedAt = Date.now();
    };
    await spec.act({ stack: started, sent, faultEnded }).catch((error: unknown) => {
      process.stderr.write(
        `act failed; bind-service log (last 40 lines):\n${started.bind.lines.slice(-40).join('\n')}\n`,
      );
      throw error;
    });
    const settled = await settle(started, sent, spec.settleMs ?? 60_000);
    const recoveryMs = Math.max(0, settled.settledAt - faultEndedAt);
    await spec.afterSettle?.(started);
    const report = checkInvariants({
      sent,
      records: settled.records,
      simulated: started.sim.messages,
      submitLog: started.sim.submitLog,
      ...(spec.expectedDuplicateRefusals
        ? { expectedDuplicateRefusals: spec.expectedDuplicateRefusals }
        : {}),
      receiptsPending: started.sim.undeliveredReceipts,
      unsettled: settled.unsettled,
    });
    const result = { report, records: settled.records, holds: holds(report), recoveryMs };
    row.measured(result);
    writeLogs(spec, started);
    if (!result.holds) printDiagnostics(started, report);
    return result;
  } finally {
    await stack?.stop();
  }
}

/**
 * The case's row, written once its test has ended (passed or failed, its own assertions included),
 * with what it measured if it got that far: a case that fails before its checks still leaves a row
 * saying so, and one whose own assertions fail is not reported as holding.
 */
function recordRow(spec: CaseSpec): { measured(result: CaseResult): void } {
  const dir = process.env.FAULT_RESULTS_DIR;
  if (!dir) return { measured: () => undefined };
  const testPath = expect.getState().testPath;
  const file = testPath ? relative(CASES_DIR, testPath).split('\\').join('/') : 'unknown';
  let measurement: CaseMeasurement | undefined;
  onTestFinished(({ task }) => {
    const row: CaseRow = {
      number: spec.number,
      name: spec.variant ? `${spec.name}: ${spec.variant}` : spec.name,
      file,
      outcome: task.result?.state === 'pass' ? 'passed' : 'failed',
      ...(measurement ? { measured: measurement } : {}),
      commit: currentCommit(),
      ranAt: new Date().toISOString(),
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${caseFileName(spec)}.json`), `${JSON.stringify(row, null, 2)}\n`);
  });
  return {
    measured: ({ report, recoveryMs, holds: invariantsHold }) => {
      measurement = {
        sent: report.sent,
        states: report.states,
        duplicates: report.duplicates.length,
        refusedAsDuplicate: report.refusedAsDuplicate.length,
        lost: report.lost.length,
        unknownUnanswered: report.unknownUnanswered,
        receiptsKept: report.receiptsPending === 0 && report.receiptsMissing.length === 0,
        regressions: report.regressions.length,
        unsettled: report.unsettled,
        recoveryMs,
        invariantsHold,
      };
    },
  };
}

function caseFileName(spec: CaseSpec): string {
  return `case-${String(spec.number).padStart(2, '0')}${spec.variant ? `-${spec.variant}` : ''}`;
}

/** Polls /healthz until a bind is up (`ok`: a standby task answers 200 too); fails naming the last answer. */
export async function waitForHealthy(stack: FaultStack, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(stack.healthUrl);
      const body = await response.text();
      last = `${response.status} ${body}`;
      if (response.status === 200 && (JSON.parse(body) as { status?: string }).status === 'ok') return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `bind-service not healthy after ${timeoutMs} ms (last: ${last}); its log:\n${stack.bind.lines.slice(-20).join('\n')}`,
  );
}

interface Settled {
  records: Map<string, MessageRecord>;
  /** When everything last began to look settled (recovery ends here, not at the quiet period's end). */
  settledAt: number;
  /** What still kept the system from settling at the deadline (empty when it settled). */
  unsettled: string[];
}

/**
 * Waits until the system has settled: every sent message settled (a message the simulator took but
 * that is `unknown` is not: the reconciler may still resolve it by QUERY_SM or its orphan receipt,
 * and the invariants count it as lost if it does not), no receipt left to deliver, the urgent and
 * bulk queues empty, and then no SUBMIT_SM for the quiet period. A quiet period under way at the
 * settle deadline may finish past it.
 */
async function settle(stack: FaultStack, sent: readonly SentMessage[], timeoutMs: number): Promise<Settled> {
  const quietMs = quietPeriodMs(stack.queueVisibilitySeconds);
  const deadline = Date.now() + timeoutMs;
  let settledAt: number | undefined;
  let quiet: { since: number; submits: number } | undefined;
  let depths = { urgent: -1, bulk: -1 };
  for (;;) {
    const records = await messageRecords(stack.clients.document, stack.local.tables.messages);
    const taken = new Set(stack.sim.messages.map((message) => message.text));
    const recordsSettled = sent.every((message) => {
      const record = records.get(message.id);
      return isSettled(record) && !(record?.status === 'unknown' && taken.has(message.text));
    });
    const now = Date.now();
    let ready = recordsSettled && stack.sim.undeliveredReceipts === 0;
    if (ready || now >= deadline) depths = await stack.queueDepths();
    ready &&= depths.urgent === 0 && depths.bulk === 0;
    const submits = stack.sim.submitLog.length;
    if (!ready) {
      settledAt = undefined;
      quiet = undefined;
    } else {
      settledAt ??= now;
      if (!quiet || quiet.submits !== submits) quiet = { since: now, submits };
      else if (now - quiet.since >= quietMs) return { records, settledAt, unsettled: [] };
    }
    if (now >= deadline && !(quiet && now < deadline + quietMs)) {
      const unsettled = Object.entries(depths)
        .filter(([, depth]) => depth !== 0)
        .map(([lane, depth]) => `${lane} queue: ${depth} copies (visible, in flight or delayed)`);
      if (ready) unsettled.push(`SUBMIT_SMs kept coming: never ${quietMs} ms without one`);
      return { records, settledAt: settledAt ?? now, unsettled };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** FAULT_LOG_DIR=<dir>: every bind-service process's log lines, one file per process, to read later. */
function writeLogs(spec: CaseSpec, stack: FaultStack): void {
  const dir = process.env.FAULT_LOG_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const name = caseFileName(spec);
  stack.bindProcesses.forEach((bind, index) => {
    writeFileSync(join(dir, `${name}-bind${index}.log`), `${bind.lines.join('\n')}\n`);
  });
}

function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function printDiagnostics(stack: FaultStack, report: InvariantReport): void {
  const sample = (list: readonly string[]) => list.slice(0, 10).join('\n  ');
  process.stderr.write(
    [
      'invariants broken:',
      `lost:\n  ${sample(report.lost)}`,
      `duplicates (parts in more than one SUBMIT_SM the SMSC may have taken):\n  ${sample(report.duplicates)}`,
      `refused by the duplicate rule, unexpected:\n  ${sample(report.refusedAsDuplicate)}`,
      `not settled when judged:\n  ${sample(report.unsettled)}`,
      `receipts the simulator still holds unacknowledged: ${report.receiptsPending}`,
      `receipts missing:\n  ${sample(report.receiptsMissing)}`,
      `regressions:\n  ${sample(report.regressions)}`,
      // The lines that say why, wherever they fall: a stop's first moments are often past the tail.
      `bind-service warnings and errors (last 60, every run):\n${stack.bind.lines
        .filter((line) => /^\{"level":"(warn|error)"/.test(line))
        .slice(-60)
        .join('\n')}`,
      `bind-service log (last 40 JSON lines):\n${stack.bind.lines
        .filter((line) => line.startsWith('{'))
        .slice(-40)
        .join('\n')}`,
      '',
    ].join('\n'),
  );
}
