// bench/results/smpp.json (and smpp-latency.json): the SMPP benchmark's rows with the context they
// were measured in, so that whoever reads them (the pipeline benchmark's "SMPP engine does not
// regress" target) can say when, on which commit and at what host speed. Files written before the
// context was recorded are a bare array of rows, and are still read.
import type { HostSpeed } from './host-speed.ts';

export interface SmppRow {
  window: number;
  msgPerSec: number;
  /** CPU of the engine's process and the simulator's process together (SMPP_CPU_COVERS). */
  cpuMsPer1000: number;
}

/** What `cpuMsPer1000` covers: bench/smpp.ts adds both processes' CPU time. */
export const SMPP_CPU_COVERS =
  'the SMPP engine (client) process and the simulator process together, per 1000 accepted submits';

export interface SmppContext {
  startedAt: string;
  /** `git rev-parse --short HEAD` where the benchmark ran; absent outside a git checkout. */
  commit?: string;
  /** The host's speed on fixed work at the start (host-speed.ts), and at the end. */
  hostSpeed: HostSpeed;
  hostSpeedAtEnd?: HostSpeed;
  node?: string;
  cpus?: number;
  cpuMsPer1000Covers?: string;
}

export interface SmppResults<Row extends SmppRow = SmppRow> {
  /** Absent in the files of the older, bare-array format. */
  context?: SmppContext;
  rows: Row[];
}

/** The file's text: `{ context, rows }`. */
export function smppResultsJson<Row extends SmppRow>(context: SmppContext, rows: readonly Row[]): string {
  return `${JSON.stringify({ context, rows }, null, 2)}\n`;
}

/** The rows (and context) of a parsed smpp.json of either format; undefined when it is neither. */
export function parseSmppResults(json: unknown): SmppResults | undefined {
  if (Array.isArray(json)) return { rows: json as SmppRow[] };
  if (typeof json !== 'object' || json === null) return undefined;
  const { context, rows } = json as Partial<SmppResults>;
  if (!Array.isArray(rows)) return undefined;
  return context === undefined ? { rows } : { context, rows };
}
