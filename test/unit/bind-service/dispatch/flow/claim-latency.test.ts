import { describe, expect, it } from 'vitest';
import {
  ClaimLatency,
  COVER_CEILING_SECONDS,
  COVER_FLOOR_SECONDS,
} from '#bind-service/dispatch/flow/claim-latency.ts';

describe('ClaimLatency', () => {
  it('when no claim was timed yet, then the cover is the floor', () => {
    expect(new ClaimLatency().coverSeconds()).toBe(COVER_FLOOR_SECONDS);
  });

  it('when claims answer fast, then the cover stays at the floor', () => {
    // Prepare
    const latency = new ClaimLatency();
    // Act
    for (let i = 0; i < 50; i += 1) latency.observe(10 + (i % 3));
    // Assess
    expect(latency.coverSeconds()).toBe(COVER_FLOOR_SECONDS);
  });

  it('when claims take about a second, then the cover grows past it, with room for their spread', () => {
    // Prepare
    const latency = new ClaimLatency();
    // Act
    for (let i = 0; i < 50; i += 1) latency.observe(i % 2 === 0 ? 800 : 1000);
    // Assess: the smoothed 900 ms plus four deviations of about 100 ms.
    expect(latency.coverSeconds()).toBeGreaterThan(1.1);
    expect(latency.coverSeconds()).toBeLessThan(1.5);
  });

  it('when claims stall for many seconds, then the cover stops at the ceiling', () => {
    // Prepare
    const latency = new ClaimLatency();
    // Act
    for (let i = 0; i < 20; i += 1) latency.observe(8_000);
    // Assess
    expect(latency.coverSeconds()).toBe(COVER_CEILING_SECONDS);
  });

  it('when a stall is over, then the cover comes back down to the floor', () => {
    // Prepare
    const latency = new ClaimLatency();
    for (let i = 0; i < 20; i += 1) latency.observe(1_500);
    const duringStall = latency.coverSeconds();
    // Act
    for (let i = 0; i < 60; i += 1) latency.observe(20);
    // Assess
    expect(duringStall).toBeGreaterThan(1.4);
    expect(latency.coverSeconds()).toBe(COVER_FLOOR_SECONDS);
  });

  it('when a duration is not a number of ms, then it is ignored', () => {
    // Prepare
    const latency = new ClaimLatency();
    // Act
    latency.observe(Number.NaN);
    latency.observe(-5);
    // Assess
    expect(latency.coverSeconds()).toBe(COVER_FLOOR_SECONDS);
  });
});
