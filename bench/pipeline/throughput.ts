// Part (a) of the pipeline benchmark: N single messages POSTed over HTTP with bounded concurrency
// (keep-alive connections), timed from the first 202 to the last `delivered` status event coming out
// of the table's stream, with the account rate raised so the SMSC side is not the limit.
import { type CallsPerUnit, callsPer, callsSince } from '#core/aws/call-counter.ts';
import { VAR } from '#core/config/variables.ts';
import { type CpuBudget, startCpuBudget } from './cpu-budget.ts';
import {
  type BindServiceChild,
  countsSince,
  mobile,
  percentile,
  postJson,
  round,
  startBenchStack,
  startBindServiceChild,
  waitWithProgress,
} from './support.ts';

export interface ThroughputResult {
  messages: number;
  /** false: deliveries stopped (60 s without one) before every accepted message was delivered. */
  completed: boolean;
  /** Answered other than 202 (a store timing out on an overloaded DynamoDB Local): not sent again. */
  refused: number;
  delivered: number;
  /** Sent and delivered before the measurement. */
  warmupMessages: number;
  concurrency: number;
  accountRate: number;
  acceptLatencyMs: { p50: number; p99: number; max: number };
  acceptPerSec: number;
  /**
   * First 202 to last `delivered` event, over the `delivered` that came: when `completed` is false
   * or `refused` > 0 it is not the part's rate, and the targets and the table say so (validity.ts).
   */
  deliveredPerSec: number;
  totalSeconds: number;
  bindServiceCpuMsPerMessage: number;
  /** The bind-service's AWS SDK calls per delivered message (queue -> SUBMIT_SM -> receipt stored). */
  bindServiceAwsCallsPerMessage: CallsPerUnit;
  /** The bind-service's warning/error lines by message (storage timeouts show an overloaded DynamoDB Local). */
  bindServiceWarnings: Record<string, number>;
  /** The machine's CPU per message by process, over the same span; absent without Linux's /proc. */
  cpuBudget?: CpuBudget;
  throttled: number;
  /** DELIVER_SMs the simulator sent again because the bind-service answered ESME_RX_T_APPN (store busy). */
  receiptRetries: number;
}

/** mobile('3', i): the warm-up's recipients; measured ones are mobile('0', i). */
const WARMUP_PREFIX = '+79993';

/**
 * POSTs `count` messages from `concurrency` workers; returns when the first 202 came and how many
 * were accepted. An answer other than 202 stops the run, unless `skipRefused` (the warm-up: a cold
 * DynamoDB Local can time out a store, and that is not what is measured).
 */
export async function sendAll(
  apiUrl: string,
  count: number,
  concurrency: number,
  prefix: string,
  latencies: number[],
  skipRefused = false,
): Promise<{ firstAcceptedAt: number; accepted: number }> {
  let firstAcceptedAt = Number.POSITIVE_INFINITY;
  let accepted = 0;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const started = performance.now();
      const answer = await postJson(`${apiUrl}/v1/messages`, {
        to: mobile(prefix, index),
        text: `Benchmark ${index}`,
      });
      const at = performance.now();
      if (answer.status !== 202 && skipRefused) continue;
      if (answer.status !== 202)
        throw new Error(`POST answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      accepted += 1;
      latencies.push(at - started);
      firstAcceptedAt = Math.min(firstAcceptedAt, at);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { firstAcceptedAt, accepted };
}

export async function measureThroughput(
  messages: number,
  concurrency: number,
  warmup: number,
): Promise<ThroughputResult> {
  const accountRate = 2000;
  const { stack, events } = await startBenchStack(
    { [VAR.SMPP_THROUGHPUT]: String(accountRate) },
    { receiptDelayMs: 50, record: false },
  );
  let child: BindServiceChild | undefined;
  try {
    child = await startBindServiceChild(stack.bindServiceEnv);
    // Counted per phase by recipient, so a late warm-up delivery is not taken for a measured one.
    let warmupDelivered = 0;
    let delivered = 0;
    let lastDeliveredAt = 0;
    events.onEvent = (event) => {
      if (event.status !== 'delivered') return;
      if (event.to.startsWith(WARMUP_PREFIX)) warmupDelivered += 1;
      else {
        delivered += 1;
        lastDeliveredAt = performance.now();
      }
    };
    // Warm-up: DynamoDB Local's JVM compiles its hot paths during the first seconds of load, with
    // stalls of up to ~1 s meanwhile; they are not what is being measured.
    const warm = await sendAll(stack.apiUrl, warmup, concurrency, '3', [], true);
    const warmed = await settled(
      waitWithProgress(
        () => warmupDelivered >= warm.accepted,
        () => warmupDelivered,
        60_000,
        'warm-up deliveries',
      ),
    );
    const cpuBefore = await child.cpu();
    const budget = startCpuBudget(stack.dynamoDbPid);

    // Measured whether or not the warm-up completed: a bind-service that stalled shows it here too.
    const latencies: number[] = [];
    const sendStarted = performance.now();
    const sent = await sendAll(stack.apiUrl, messages, concurrency, '0', latencies, !warmed);
    const sendSeconds = (performance.now() - sendStarted) / 1000;
    const completed = await settled(
      waitWithProgress(
        () => delivered >= sent.accepted,
        () => delivered,
        60_000,
        'delivered events',
      ),
    );
    const cpuAfter = await child.cpu();

    const seconds = (lastDeliveredAt - sent.firstAcceptedAt) / 1000;
    const done = Math.max(1, delivered);
    const bindServiceCpuMs = (cpuAfter.micros - cpuBefore.micros) / 1000;
    const cpuBudget = budget.finish(bindServiceCpuMs, done);
    return {
      messages,
      completed,
      refused: messages - sent.accepted,
      delivered,
      warmupMessages: warmup,
      concurrency,
      accountRate,
      acceptLatencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(percentile(latencies, 100)),
      },
      acceptPerSec: round(sent.accepted / sendSeconds, 0),
      deliveredPerSec: round(delivered / seconds, 0),
      totalSeconds: round(seconds),
      bindServiceCpuMsPerMessage: round(bindServiceCpuMs / done, 2),
      bindServiceAwsCallsPerMessage: callsPer(callsSince(cpuAfter.aws, cpuBefore.aws), done),
      bindServiceWarnings: countsSince(cpuAfter.warnings, cpuBefore.warnings),
      ...(cpuBudget ? { cpuBudget } : {}),
      throttled: stack.simulator?.stats.throttled ?? 0,
      receiptRetries: stack.simulator?.stats.receiptRetries ?? 0,
    };
  } finally {
    await child?.stop();
    await stack.stop();
  }
}

/** true when the wait ended with its condition; false (and why, on stderr) when it stalled. */
async function settled(wait: Promise<void>): Promise<boolean> {
  try {
    await wait;
    return true;
  } catch (error) {
    console.error(`(a) ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
