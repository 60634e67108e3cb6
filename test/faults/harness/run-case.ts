import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { type FaultStack, type FaultStackOptions, startFaultStack } from './fault-stack.ts';
import { checkInvariants, holds, type InvariantReport } from './invariants.ts';
import { isSettled, messageRecords, type SentMessage } from './traffic.ts';

// One fault case from start to report: the stack comes up, the case sends traffic and breaks
// something, the system is left to settle, the invariants are checked, and the case's row is written
// for docs/reliability.md (test/faults/write-report.ts builds the page from the rows).

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
}

export interface CaseResult {
  report: InvariantReport;
  /** Every message record at the end, by id (for a case's own assertions). */
  records: ReadonlyMap<string, MessageRecord>;
  holds: boolean;
  recoveryMs: number;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '../.results');

export async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const stack = await startFaultStack({
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
  try {
    if (spec.startBindService !== false) {
      stack.bind.start();
      await waitForHealthy(stack);
    }
    const sent: SentMessage[] = [];
    let faultEndedAt = Date.now();
    const faultEnded = () => {
      faultEndedAt = Date.now();
    };
    await spec.act({ stack, sent, faultEnded }).catch((error: unknown) => {
      process.stderr.write(
        `act failed; bind-service log (last 40 lines):\n${stack.bind.lines.slice(-40).join('\n')}\n`,
      );
      throw error;
    });
    const records = await settle(stack, sent, spec.settleMs ?? 60_000);
    const recoveryMs = Date.now() - faultEndedAt;
    await spec.afterSettle?.(stack);
    const report = checkInvariants({
      sent,
      records,
      simulated: stack.sim.messages,
      receiptsPending: stack.sim.undeliveredReceipts,
    });
    const result = { report, records, holds: holds(report), recoveryMs };
    writeRow(spec, result);
    writeLogs(spec, stack);
    if (!result.holds) printDiagnostics(stack, report);
    return result;
  } finally {
    await stack.stop();
  }
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

/**
 * Waits until every sent message is settled and the simulator has no receipt left to deliver. A
 * message the simulator took but that is `unknown` is not settled yet: the reconciler may still
 * resolve it (QUERY_SM, or its orphan receipt), and the invariants count it as lost if it does not.
 */
async function settle(stack: FaultStack, sent: readonly SentMessage[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let records = await messageRecords(stack.clients.document, stack.local.tables.messages);
  while (Date.now() < deadline) {
    const taken = new Set(stack.sim.messages.map((message) => message.text));
    const settled = sent.every((message) => {
      const record = records.get(message.id);
      return isSettled(record) && !(record?.status === 'unknown' && taken.has(message.text));
    });
    if (settled && stack.sim.undeliveredReceipts === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
    records = await messageRecords(stack.clients.document, stack.local.tables.messages);
  }
  return records;
}

function writeRow(spec: CaseSpec, result: CaseResult): void {
  mkdirSync(resultsDir, { recursive: true });
  const { report } = result;
  const row = {
    number: spec.number,
    name: spec.variant ? `${spec.name}: ${spec.variant}` : spec.name,
    sent: report.sent,
    states: report.states,
    duplicates: report.duplicates.length,
    lost: report.lost.length,
    unknownUnanswered: report.unknownUnanswered,
    receiptsKept: report.receiptsPending === 0 && report.receiptsMissing.length === 0,
    regressions: report.regressions.length,
    recoveryMs: result.recoveryMs,
    holds: result.holds,
    commit: currentCommit(),
    ranAt: new Date().toISOString(),
  };
  writeFileSync(
    join(
      resultsDir,
      `case-${String(spec.number).padStart(2, '0')}${spec.variant ? `-${spec.variant}` : ''}.json`,
    ),
    `${JSON.stringify(row, null, 2)}\n`,
  );
}

/** FAULT_LOG_DIR=<dir>: every bind-service process's log lines, one file per process, to read later. */
function writeLogs(spec: CaseSpec, stack: FaultStack): void {
  const dir = process.env.FAULT_LOG_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const name = `case-${String(spec.number).padStart(2, '0')}${spec.variant ? `-${spec.variant}` : ''}`;
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
      `duplicates:\n  ${sample(report.duplicates)}`,
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
