// The bind-service of the pipeline benchmark, in its own process (as on Fargate), so its CPU time is
// its own: the API, fauxqs, the simulator and the stream poller run in the parent. Configured from
// the environment the local stack built; talks to the parent over IPC:
// {type:'bound'} once bound, then answers {type:'cpu'} with its CPU time, AWS calls, peak RSS and
// counters, and {type:'stop'} with a graceful stop.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '#bind-service/config.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import { startBindService } from '#bind-service/service.ts';
import { countAwsCalls } from '#core/aws/call-counter.ts';
import type { PipelinePacing } from '../support.ts';
import { memoryBreakdown } from './memory-breakdown.ts';
import { kernelPeakRss } from './peak-rss.ts';

// Before the service builds its SDK clients: only clients built afterwards are counted.
const awsCalls = countAwsCalls();
// RSS sampled from the start (the backlog's first receive included); /proc/self/status VmHWM is the
// kernel's own high-water mark of this process since its exec, which also catches a peak between two
// samples (peak-rss.ts: not resourceUsage().maxRSS, which on Linux starts at the parent's RSS).
// The sample reads the RSS alone: a full process.memoryUsage() walks the heap's spaces, and at 50
// samples a second it was 6% of the CPU the benchmark charged to the bind-service (a CPU profile).
// The breakdown is taken again once the peak has grown by a megabyte.
// Only the memory part asks for the sampler (BENCH_RSS_SAMPLE_MS): even reading the RSS alone, 50
// times a second, was 5% of the child's busy time in a profile of part (a), about 0.5 ms of the CPU
// charged to each message there, and (a) reports no memory figure.
let peakRss = process.memoryUsage.rss();
let atPeak = memoryBreakdown(process.memoryUsage());
let brokenDownAt = peakRss;
const rssSampleMs = Number(process.env.BENCH_RSS_SAMPLE_MS ?? 0);
if (rssSampleMs > 0) {
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss <= peakRss) return;
    peakRss = rss;
    if (rss < brokenDownAt + 1024 * 1024) return;
    brokenDownAt = rss;
    atPeak = memoryBreakdown(process.memoryUsage());
  }, rssSampleMs);
  sampler.unref();
}

type Request = { type: 'cpu' } | { type: 'stop' };

const kernelPeak = () => {
  const peak = kernelPeakRss();
  return { maxRssBytes: peak.bytes, maxRssSource: peak.source };
};

// Warnings and errors only (a line per message would cost the CPU being measured), counted by
// message; the first few are printed as they come.
const PRINTED = 5;
const warnings: Record<string, number> = {};
let seen = 0;
const write = (line: string) => {
  const { msg } = JSON.parse(line) as { msg: string };
  warnings[msg] = (warnings[msg] ?? 0) + 1;
  if (++seen <= PRINTED) process.stderr.write(`${line}\n`);
};
const service = await startBindService(loadConfig(process.env), {
  log: bindServiceLogger('warn', write),
});
await service.whenBound();
const boundRss = process.memoryUsage().rss;
// What held each account's pipeline, sampled while it held messages: the message table (claims
// under way at the claim-ahead limit, no message awaiting a token) or the login's rate. Only part (d)
// asks for it (BENCH_PACING_SAMPLE_MS): each sample builds the whole health report, whose lane lag
// scans every message held, and at 4 samples a second that was 4% of the child's busy time in a CPU
// profile of part (c) (1.7 s of 42 s, ~2,000-4,000 messages held).
const pacing: Record<string, PipelinePacing> = {};
const pacingSampleMs = Number(process.env.BENCH_PACING_SAMPLE_MS ?? 0);
const samplePacing = () => {
  for (const account of service.health().accounts) {
    const figures = account.pipeline;
    if (!figures || figures.claiming + figures.awaitingToken === 0) continue;
    const tally = pacing[account.name] ?? { busySamples: 0, storeBound: 0, rateBound: 0 };
    pacing[account.name] = tally;
    tally.busySamples += 1;
    if (figures.awaitingToken > 0) tally.rateBound += 1;
    else if (figures.claiming >= figures.claimAheadLimit) tally.storeBound += 1;
  }
};
if (pacingSampleMs > 0) setInterval(samplePacing, pacingSampleMs).unref();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
process.send?.({ type: 'bound' });

process.on('message', (request: Request) => {
  if (request.type === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({
      type: 'cpu',
      micros: usage.user + usage.system,
      submitted: service.stats.submitted,
      throttled: service.stats.throttled,
      receipts: service.stats.receipts.applied,
      receiptOutcomes: service.stats.receipts,
      warnings,
      pacing,
      loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      aws: awsCalls.snapshot(),
      memory: {
        rssBytes: process.memoryUsage().rss,
        peakRssBytes: peakRss,
        ...kernelPeak(),
        boundRssBytes: boundRss,
        atPeak,
      },
    });
    loopDelay.reset();
  } else {
    void service.stop().then(() => process.exit(0));
  }
});
