// Part (a) of the pipeline benchmark: N single messages POSTed over HTTP with bounded concurrency
// (keep-alive connections), timed from the first 202 to the last `delivered` status event coming out
// of the table's stream, with the account rate raised so the SMSC side is not the limit.
import { type CallsPerUnit, callsPer, callsSince } from '#core/aws/call-counter.ts';
import { VAR } from '#core/config/variables.ts';
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
  /** Sent and delivered before the measurement. */
  warmupMessages: number;
  concurrency: number;
  accountRate: number;
  acceptLatencyMs: { p50: number; p99: number; max: number };
  acceptPerSec: number;
  /** First 202 to last `delivered` event. */
  deliveredPerSec: number;
  totalSeconds: number;
  bindServiceCpuMsPerMessage: number;
  /** The bind-service's AWS SDK calls per delivered message (queue -> SUBMIT_SM -> receipt stored). */
  bindServiceAwsCallsPerMessage: CallsPerUnit;
  /** The bind-service's warning/error lines by message (storage timeouts show an overloaded DynamoDB Local). */
  bindServiceWarnings: Record<string, number>;
  throttled: number;
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
    await waitWithProgress(
      () => warmupDelivered >= warm.accepted,
      () => warmupDelivered,
      60_000,
      'warm-up deliveries',
    );
    const cpuBefore = await child.cpu();

    const latencies: number[] = [];
    const sendStarted = performance.now();
    const { firstAcceptedAt } = await sendAll(stack.apiUrl, messages, concurrency, '0', latencies);
    const sendSeconds = (performance.now() - sendStarted) / 1000;
    await waitWithProgress(
      () => delivered >= messages,
      () => delivered,
      60_000,
      'delivered events',
    );
    const cpuAfter = await child.cpu();

    const seconds = (lastDeliveredAt - firstAcceptedAt) / 1000;
    return {
      messages,
      warmupMessages: warmup,
      concurrency,
      accountRate,
      acceptLatencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(percentile(latencies, 100)),
      },
      acceptPerSec: round(messages / sendSeconds, 0),
      deliveredPerSec: round(messages / seconds, 0),
      totalSeconds: round(seconds),
      bindServiceCpuMsPerMessage: round((cpuAfter.micros - cpuBefore.micros) / 1000 / messages, 2),
      bindServiceAwsCallsPerMessage: callsPer(callsSince(cpuAfter.aws, cpuBefore.aws), messages),
      bindServiceWarnings: countsSince(cpuAfter.warnings, cpuBefore.warnings),
      throttled: stack.simulator?.stats.throttled ?? 0,
    };
  } finally {
    await child?.stop();
    await stack.stop();
  }
}
