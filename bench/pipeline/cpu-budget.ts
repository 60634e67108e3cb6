// Where part (a)'s CPU goes per delivered message, on the whole machine: DynamoDB Local's JVM, the
// bind-service, this process (the local stack and the benchmark's HTTP client) and the rest. On a
// small machine their sum sets the local rate, and DynamoDB Local's share bounds it whatever our own
// processes spend. Linux only (/proc); elsewhere part (a) says it was not measured.
import { availableParallelism } from 'node:os';
import {
  type MachineTicks,
  machineCpuSince,
  readMachineTicks,
  readThreadTimes,
  type ThreadTimes,
  threadCpuSince,
} from './cpu-time.ts';
import { round } from './stats.ts';

export interface CpuBudget {
  cores: number;
  /** Every core's busy time (user, system, interrupts) per message. */
  machineMsPerMessage: number;
  /** The share of the cores' time the hypervisor gave other guests: a slow run's usual cause here. */
  stealPercent: number;
  dynamoDbLocal: {
    /** All of the JVM's threads: HTTP, JSON, the SQLite queue, JIT and GC. */
    msPerMessage: number;
    /** The thread that ran longest: the SQLite queue, which runs every read and write in turn. */
    busiestThread: string;
    busiestThreadMsPerMessage: number;
    /** How much of the measured span that thread was running. */
    busiestThreadBusyPercent: number;
  };
  bindServiceMsPerMessage: number;
  /** This process: the stack's API, fauxqs, simulator, stream poller, and the benchmark's HTTP client. */
  stackMsPerMessage: number;
  /** The rest of the machine's busy time: the kernel's own work (loopback TCP), other processes. */
  otherMsPerMessage: number;
  /** cores × 1000 / DynamoDB Local's ms: the most its JVM alone could serve with every core to itself. */
  dynamoDbLocalCeilingPerSec: number;
}

interface Snapshot {
  machine: MachineTicks;
  dynamo: ThreadTimes;
  stack: NodeJS.CpuUsage;
}

function snapshot(dynamoDbPid: number): Snapshot | undefined {
  const machine = readMachineTicks();
  const dynamo = readThreadTimes(dynamoDbPid);
  return machine && dynamo ? { machine, dynamo, stack: process.cpuUsage() } : undefined;
}

/** Starts counting now; `finish` gives the budget since, or undefined without /proc or a JVM pid. */
export function startCpuBudget(dynamoDbPid: number | undefined): {
  finish(bindServiceCpuMs: number, messages: number): CpuBudget | undefined;
} {
  const notMeasured = { finish: () => undefined };
  if (dynamoDbPid === undefined) return notMeasured;
  const before = snapshot(dynamoDbPid);
  if (!before) return notMeasured;
  return {
    finish(bindServiceCpuMs: number, messages: number): CpuBudget | undefined {
      const after = snapshot(dynamoDbPid);
      if (!after) return undefined;
      const machine = machineCpuSince(after.machine, before.machine);
      const jvm = threadCpuSince(after.dynamo, before.dynamo);
      const usage = process.cpuUsage(before.stack);
      const stackMs = (usage.user + usage.system) / 1000;
      const perMessage = (ms: number) => round(ms / messages, 2);
      const cores = availableParallelism();
      const dynamoMs = jvm.cpuMs / messages;
      return {
        cores,
        machineMsPerMessage: perMessage(machine.busyMs),
        stealPercent: round(machine.stealPercent),
        dynamoDbLocal: {
          msPerMessage: perMessage(jvm.cpuMs),
          busiestThread: jvm.busiest.name,
          busiestThreadMsPerMessage: perMessage(jvm.busiest.cpuMs),
          busiestThreadBusyPercent: round((100 * jvm.busiest.cpuMs) / jvm.wallMs, 0),
        },
        bindServiceMsPerMessage: perMessage(bindServiceCpuMs),
        stackMsPerMessage: perMessage(stackMs),
        otherMsPerMessage: perMessage(Math.max(0, machine.busyMs - jvm.cpuMs - bindServiceCpuMs - stackMs)),
        dynamoDbLocalCeilingPerSec: dynamoMs > 0 ? round((cores * 1000) / dynamoMs, 0) : 0,
      };
    },
  };
}
