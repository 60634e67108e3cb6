import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSmppResults, SMPP_CPU_COVERS, smppResultsJson } from '#bench/smpp-results.ts';

// bench/results/smpp.json: rows with the context they were measured in, read back by the pipeline
// benchmark's targets; the committed file of the older bare-array format stays readable.

const rows = [
  { window: 1, msgPerSec: 15_521, cpuMsPer1000: 73.9 },
  { window: 100, msgPerSec: 60_183, cpuMsPer1000: 16.9 },
];
const context = {
  startedAt: '2026-12-06T10:00:00.000Z',
  commit: 'abc1234',
  hostSpeed: { jsonMs: 80, sha256Ms: 19, checksum: '600000:b99d0ff4cd4c97d0' },
  hostSpeedAtEnd: { jsonMs: 82, sha256Ms: 19.1, checksum: '600000:b99d0ff4cd4c97d0' },
  node: 'v20.20.2',
  cpus: 2,
  cpuMsPer1000Covers: SMPP_CPU_COVERS,
};

describe('smppResultsJson', () => {
  it('when rows are written, then the file is an object with the context and the rows, not a bare array', () => {
    // Act
    const written = JSON.parse(smppResultsJson(context, rows)) as unknown;
    // Assess
    expect(Array.isArray(written)).toBe(false);
    expect(written).toEqual({ context, rows });
  });

  it('when written, then the CPU figure is labelled as the engine and the simulator together', () => {
    expect(SMPP_CPU_COVERS).toMatch(/engine.*simulator/);
  });
});

describe('parseSmppResults', () => {
  it('when the file is the new format, then the rows and their context come back', () => {
    expect(parseSmppResults(JSON.parse(smppResultsJson(context, rows)))).toEqual({ context, rows });
  });

  it('when the file is the old bare array, then its rows come back without a context', () => {
    expect(parseSmppResults(rows)).toEqual({ rows });
  });

  it('when there is no file or it holds something else, then there are no results', () => {
    expect(parseSmppResults(undefined)).toBeUndefined();
    expect(parseSmppResults({ nothing: true })).toBeUndefined();
  });

  it('when the committed bench/results/smpp.json is read, then it has a window 100 row', () => {
    // Act
    const committed = parseSmppResults(
      JSON.parse(readFileSync(new URL('../../../bench/results/smpp.json', import.meta.url), 'utf8')),
    );
    // Assess
    expect(committed?.rows.find(({ window }) => window === 100)?.msgPerSec).toBeGreaterThan(0);
  });
});
