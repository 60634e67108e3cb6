// Pipeline benchmark on the local stack (`npm run bench -- pipeline`):
// (a) throughput of N single messages (BENCH_MESSAGES, default 10 000) from HTTP accept to
//     `delivered`, with p50/p99 accept latency;
// (b) the urgent lane's p99 from HTTP accept to SUBMIT_SM while BENCH_BULK (default 20 000) bulk
//     messages drain at an account rate of 100 msg/s (target <= 250 ms), the achieved rate (target
//     within 2% of 100/s), throttling answers (target 0), and the bind-service's CPU per message.
// The bind-service runs in its own process so its CPU time is its own. Both parts warm the stack up
// first (BENCH_WARMUP_MESSAGES, default 1000; BENCH_WARMUP_SECONDS, default 15): DynamoDB Local's
// JVM stalls for up to a second at a time while it compiles its hot paths. BENCH_CONCURRENCY sets
// the HTTP connections of (a) (default 64). Writes bench/results/pipeline.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureThroughput } from './pipeline-throughput.ts';
import { measureUrgentLane } from './pipeline-urgent.ts';

const here = dirname(fileURLToPath(import.meta.url));
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const BULK = Number(process.env.BENCH_BULK ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const WARMUP_MESSAGES = Number(process.env.BENCH_WARMUP_MESSAGES ?? 1000);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 15);

const context = {
  settings: {
    messages: MESSAGES,
    bulk: BULK,
    concurrency: CONCURRENCY,
    warmupMessages: WARMUP_MESSAGES,
    warmupSeconds: WARMUP_SECONDS,
  },
  node: process.version,
  cpus: availableParallelism(),
  loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  startedAt: new Date().toISOString(),
};

console.log(
  `(a) ${MESSAGES} messages over HTTP (after ${WARMUP_MESSAGES} to warm up), ${CONCURRENCY} connections, account rate 2000/s ...`,
);
const throughput = await measureThroughput(MESSAGES, CONCURRENCY, WARMUP_MESSAGES);
console.log(
  `(b) ${BULK} bulk messages at 100 msg/s; after ${WARMUP_SECONDS} s of warm-up, an urgent message every ~100 ms ...`,
);
const urgent = await measureUrgentLane(BULK, WARMUP_SECONDS * 1000);

const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const rows: [string, string, string][] = [
  ['(a) messages', String(throughput.messages), ''],
  [
    '(a) accept latency p50 / p99',
    `${throughput.acceptLatencyMs.p50} / ${throughput.acceptLatencyMs.p99} ms`,
    '',
  ],
  ['(a) accepted per second (HTTP)', `${throughput.acceptPerSec} msg/s`, ''],
  [
    '(a) first accept -> last delivered',
    `${throughput.deliveredPerSec} msg/s (${throughput.totalSeconds} s)`,
    '',
  ],
  ['(a) bind-service CPU per message', `${throughput.bindServiceCpuMsPerMessage} ms`, ''],
  ['(b) bulk messages / urgent messages', `${urgent.bulkMessages} / ${urgent.urgentMessages}`, ''],
  [
    '(b) urgent accept -> SUBMIT_SM p50 / p99',
    `${urgent.urgentAcceptToSubmitMs.p50} / ${urgent.urgentAcceptToSubmitMs.p99} ms`,
    `p99 <= 250 ms: ${check(urgent.urgentAcceptToSubmitMs.p99 <= 250)}`,
  ],
  [
    '(b)   of which 202 -> claim / claim -> wire p99',
    `${urgent.urgentBreakdownMs.toClaim.p99} / ${urgent.urgentBreakdownMs.claimToWire.p99} ms`,
    '',
  ],
  [
    '(b) SUBMIT_SM rate, steady window',
    `${urgent.submitRatePerSec} msg/s (bulk alone ${urgent.bulkRatePerSec})`,
    `within 2% of 100: ${check(Math.abs(urgent.submitRatePerSec - 100) <= 2)}`,
  ],
  [
    '(b) DynamoDB Local write p50/p99/max (probe)',
    `${urgent.storageWriteMs.p50} / ${urgent.storageWriteMs.p99} / ${urgent.storageWriteMs.max} ms`,
    '',
  ],
  [
    '(b) event-loop delay p99/max: stack, bind-service',
    `${urgent.eventLoopDelayMs.stack.p99}/${urgent.eventLoopDelayMs.stack.max}, ${urgent.eventLoopDelayMs.bindService.p99}/${urgent.eventLoopDelayMs.bindService.max} ms`,
    '',
  ],
  ['(b) throttling answers', String(urgent.throttled), `zero: ${check(urgent.throttled === 0)}`],
  ['(b) bind-service CPU per message', `${urgent.bindServiceCpuMsPerMessage} ms`, ''],
];
const warnings = (found: Record<string, number>) =>
  Object.entries(found)
    .map(([msg, count]) => `${count} x ${msg}`)
    .join('; ') || 'none';
const width = Math.max(...rows.map(([name]) => name.length));
const valueWidth = Math.max(...rows.map(([, value]) => value.length));
console.log('');
for (const [name, value, target] of rows)
  console.log(`${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target}`);
console.log(`\nbind-service warnings (a): ${warnings(throughput.bindServiceWarnings)}`);
console.log(`bind-service warnings (b): ${warnings(urgent.bindServiceWarnings)}`);

const loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);
console.log(
  `\nload average at start ${context.loadAverageAtStart.join(' ')}, at end ${loadAverageAtEnd.join(' ')} (${context.cpus} CPUs)`,
);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'pipeline.json'),
  `${JSON.stringify({ context: { ...context, loadAverageAtEnd }, throughput, urgent }, null, 2)}\n`,
);
console.log('\nwritten: bench/results/pipeline.json');
