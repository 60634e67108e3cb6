import { describe, expect, it } from 'vitest';
import { describeHostSpeed, measureHostSpeed } from '#bench/host-speed.ts';

// The host-speed figure compares two runs only if it times the same work on every run and host.

describe('measureHostSpeed', () => {
  it('when timed twice, then both timings cover the same work, done in full', () => {
    // Act
    const first = measureHostSpeed();
    const second = measureHostSpeed();
    // Assess: 20,000 JSON round trips of a 30-character key, and SHA-256 over 32 MiB of 7s.
    expect(first.checksum).toBe('600000:b99d0ff4cd4c97d0');
    expect(second.checksum).toBe(first.checksum);
    for (const speed of [first, second]) {
      expect(speed.jsonMs).toBeGreaterThan(0);
      expect(speed.sha256Ms).toBeGreaterThan(0);
    }
    expect(describeHostSpeed(first)).toBe(`JSON ${first.jsonMs} ms, SHA-256 ${first.sha256Ms} ms`);
  });
});
