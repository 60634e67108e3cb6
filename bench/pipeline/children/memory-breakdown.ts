// Where a process's RSS goes, in MB: process.memoryUsage() and V8's heap spaces (their reserved
// size, what RSS pays for, and what is live in them).
import { getHeapSpaceStatistics } from 'node:v8';
import { megabytes as mb } from '../stats.ts';

export interface MemoryBreakdown {
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** Per V8 heap space (new_space, old_space, code_space, large_object_space, ...): size and used. */
  spaces: Record<string, { sizeMb: number; usedMb: number }>;
}

export function memoryBreakdown(usage: NodeJS.MemoryUsage): MemoryBreakdown {
  const spaces: MemoryBreakdown['spaces'] = {};
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_size === 0) continue;
    spaces[space.space_name] = { sizeMb: mb(space.space_size), usedMb: mb(space.space_used_size) };
  }
  return {
    rssMb: mb(usage.rss),
    heapTotalMb: mb(usage.heapTotal),
    heapUsedMb: mb(usage.heapUsed),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
    spaces,
  };
}
