// SMPP engine benchmark: submit round-trips per second and CPU milliseconds per 1000 messages,
// engine + simulator together (this process's CPU and the simulator child's: the figure is not the
// engine's alone), for windows 1, 10, 100 and 1000 on loopback; then the same with the simulator
// delaying its answers (a real SMSC is 20-60 ms away, so latency, not CPU, bounds a bind).
// bench/results/smpp.json and smpp-latency.json hold `{ context, rows }` (smpp-results.ts): the
// start time, commit and host speed next to the rows the pipeline benchmark's target reads.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmppClient, type SubmitFields } from '#bind-service/smpp/index.ts';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import { hostSpeedLine, measureHostSpeed } from './host-speed.ts';
import { gitCommit } from './provenance.ts';
import { SMPP_CPU_COVERS, type SmppContext, smppResultsJson } from './smpp-results.ts';

interface Row {
  window: number;
  msgPerSec: number;
  cpuMsPer1000: number;
}
interface LatencyRow extends Row {
  answerDelayMs: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const WINDOWS = [1, 10, 100, 1000];
const DELAYS = [10, 50];
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 3000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 700);

type ChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'cpu'; micros: number }
  | { type: 'delay-set' };

const child = fork(join(here, 'smpp-simulator-process.ts'), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});

function nextMessage<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve) => {
    const listener = (message: ChildMessage) => {
      if (message.type !== type) return;
      child.off('message', listener);
      resolve(message as Extract<ChildMessage, { type: T }>);
    };
    child.on('message', listener);
  });
}

async function childCpuMicros(): Promise<number> {
  const answer = nextMessage('cpu');
  child.send({ type: 'cpu' });
  return (await answer).micros;
}

async function setAnswerDelay(ms: number): Promise<void> {
  const answer = nextMessage('delay-set');
  child.send({ type: 'delay', ms });
  await answer;
}

function ownCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

const { port } = await nextMessage('listening');
const encoded = encodeMessage('Benchmark message: your code is 123456');
const fields: SubmitFields = {
  source_addr: 'Bench',
  source_addr_ton: 5,
  source_addr_npi: 0,
  destination_addr: '79991234567',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  esm_class: encoded.esmClass,
  data_coding: encoded.dataCoding,
  short_message: encoded.parts[0]!,
  registered_delivery: 0,
};

/** Keeps `window` submits in flight for `durationMs`; returns how many were accepted. */
async function drive(client: SmppClient, window: number, durationMs: number): Promise<number> {
  const deadline = performance.now() + durationMs;
  let accepted = 0;
  let failures = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const outcome = await client.submit(fields);
      if (outcome.kind === 'accepted') accepted += 1;
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  if (failures > 0) throw new Error(`${failures} submits were not accepted at window ${window}`);
  return accepted;
}

async function measure(window: number): Promise<Row> {
  const client = new SmppClient({
    hosts: [{ host: '127.0.0.1', port }],
    systemId: 'bench',
    password: 'bench-only',
    windowSize: window,
  });
  await client.start();
  try {
    await drive(client, window, WARMUP_MS);
    // Both processes: the engine (this one) and the simulator child.
    const engineAndSimulatorBefore = ownCpuMicros() + (await childCpuMicros());
    const started = performance.now();
    const accepted = await drive(client, window, RUN_MS);
    const elapsedMs = performance.now() - started;
    const engineAndSimulatorMicros = ownCpuMicros() + (await childCpuMicros()) - engineAndSimulatorBefore;
    return {
      window,
      msgPerSec: Math.round((accepted / elapsedMs) * 1000),
      cpuMsPer1000: Math.round((engineAndSimulatorMicros / 1000 / accepted) * 1000 * 10) / 10,
    };
  } finally {
    await client.stop({ drainTimeoutMs: 2000 });
  }
}

function print(title: string, rows: readonly (Row & Partial<LatencyRow>)[]): void {
  console.log(`\n${title}`);
  console.log('window  answer-delay  msg/s     CPU ms/1000 msg (engine + simulator processes together)');
  for (const row of rows) {
    const delay = `${row.answerDelayMs ?? 0} ms`.padEnd(12);
    console.log(
      `${String(row.window).padEnd(7)} ${delay}  ${String(row.msgPerSec).padEnd(9)} ${row.cpuMsPer1000}`,
    );
  }
}

const hostSpeedAtStart = measureHostSpeed();
const startedAt = new Date().toISOString();
const commit = gitCommit(here);
try {
  const rows: Row[] = [];
  for (const window of WINDOWS) rows.push(await measure(window));
  print('SMPP submit round-trips on loopback, simulator answering at once', rows);

  const latencyRows: LatencyRow[] = [];
  for (const delay of DELAYS) {
    await setAnswerDelay(delay);
    for (const window of [10, 100, 1000]) {
      latencyRows.push({ ...(await measure(window)), answerDelayMs: delay });
    }
  }
  await setAnswerDelay(0);
  print('With the simulator delaying every answer (a real SMSC is 20-60 ms away)', latencyRows);

  const hostSpeedAtEnd = measureHostSpeed();
  const context: SmppContext = {
    startedAt,
    ...(commit === undefined ? {} : { commit }),
    hostSpeed: hostSpeedAtStart,
    hostSpeedAtEnd,
    node: process.version,
    cpus: availableParallelism(),
    cpuMsPer1000Covers: SMPP_CPU_COVERS,
  };
  const results = join(here, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'smpp.json'), smppResultsJson(context, rows));
  writeFileSync(join(results, 'smpp-latency.json'), smppResultsJson(context, latencyRows));
  console.log('\nwritten: bench/results/smpp.json, bench/results/smpp-latency.json');
  console.log(hostSpeedLine(hostSpeedAtStart, hostSpeedAtEnd));
} finally {
  child.send({ type: 'stop' });
  await once(child, 'exit');
}
