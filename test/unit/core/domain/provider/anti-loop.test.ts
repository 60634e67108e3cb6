import { describe, expect, it } from 'vitest';
import { decideAntiLoop, MAX_OPEN_WINDOWS, PROVIDER_ANTI_LOOP } from '#core/domain/provider/anti-loop.ts';

const NOW = 1_700_000_000_000;

describe('decideAntiLoop', () => {
  it('when a number has no state, then the message is allowed and starts a streak and a window', () => {
    // Act
    const { verdict, next } = decideAntiLoop(undefined, 'fp', NOW, PROVIDER_ANTI_LOOP);
    // Assess
    expect(verdict).toEqual({ verdict: 'allowed', windowEndsAtMs: NOW + 60_000 });
    expect(next).toEqual({ lastAtMs: NOW, streak: 1, sent: { fp: NOW + 60_000 } });
  });

  it('when the same fingerprint is still in its window, then it is a duplicate and nothing changes', () => {
    // Prepare
    const state = { lastAtMs: NOW - 1_000, streak: 1, sent: { fp: NOW + 59_000 } };
    // Act
    const decision = decideAntiLoop(state, 'fp', NOW, PROVIDER_ANTI_LOOP);
    // Assess: when the window ends, not a whole window from now (before: 60).
    expect(decision).toEqual({ verdict: { verdict: 'duplicate', retryAfterSeconds: 59 } });
  });

  it('when 50 came less than 30 s apart, then the 51st is flood; after a 30 s gap the streak restarts', () => {
    // Prepare
    const state = { lastAtMs: NOW - 29_999, streak: 50, sent: {} };
    // Act
    const flooded = decideAntiLoop(state, 'other', NOW, PROVIDER_ANTI_LOOP);
    const later = decideAntiLoop(state, 'other', NOW + 1, PROVIDER_ANTI_LOOP);
    // Assess
    // When the quiet gap since the last message ends (before: a whole gap, 30).
    expect(flooded).toEqual({ verdict: { verdict: 'flood', retryAfterSeconds: 1 } });
    expect(later.next).toMatchObject({ streak: 1, lastAtMs: NOW + 1 });
  });

  it('when windows have ended, then they are dropped from the state', () => {
    // Prepare
    const state = { lastAtMs: NOW - 1_000, streak: 3, sent: { old: NOW - 1, live: NOW + 5_000 } };
    // Act
    const { next } = decideAntiLoop(state, 'new', NOW, PROVIDER_ANTI_LOOP);
    // Assess
    expect(next).toEqual({ lastAtMs: NOW, streak: 4, sent: { live: NOW + 5_000, new: NOW + 60_000 } });
  });

  it('when both rules are off, then everything is allowed and no window is kept', () => {
    // Prepare
    const off = { duplicateWindowMs: 0, floodLimit: 0, floodGapMs: 30_000 };
    const state = { lastAtMs: NOW, streak: 500, sent: {} };
    // Act
    const { verdict, next } = decideAntiLoop(state, 'fp', NOW, off);
    // Assess
    expect(verdict).toEqual({ verdict: 'allowed' });
    expect(next?.sent).toEqual({});
  });

  it('when a keyed request meets the window its own earlier attempt opened, then it is allowed on that window, counted once, with no window of its own to close', () => {
    // Prepare
    const { next: first } = decideAntiLoop(undefined, 'fp', NOW, PROVIDER_ANTI_LOOP, 'key-a');
    // Act
    const again = decideAntiLoop(first, 'fp', NOW + 5_000, PROVIDER_ANTI_LOOP, 'key-a');
    const otherKey = decideAntiLoop(first, 'fp', NOW + 5_000, PROVIDER_ANTI_LOOP, 'key-b');
    const keyless = decideAntiLoop(first, 'fp', NOW + 5_000, PROVIDER_ANTI_LOOP);
    // Assess
    expect(first).toEqual({ lastAtMs: NOW, streak: 1, sent: { fp: NOW + 60_000 }, keys: { fp: 'key-a' } });
    expect(again).toEqual({ verdict: { verdict: 'allowed' } });
    expect(otherKey.verdict.verdict).toBe('duplicate');
    expect(keyless.verdict.verdict).toBe('duplicate');
  });

  it('when a keyed window ends, then its key goes with it', () => {
    // Prepare
    const state = { lastAtMs: NOW - 61_000, streak: 1, sent: { old: NOW - 1_000 }, keys: { old: 'key-a' } };
    // Act
    const { next } = decideAntiLoop(state, 'new', NOW, PROVIDER_ANTI_LOOP);
    // Assess
    expect(next).toEqual({ lastAtMs: NOW, streak: 1, sent: { new: NOW + 60_000 } });
  });
});

describe('decideAntiLoop: how many duplicate windows a number keeps', () => {
  it('when a number gets more distinct messages than MAX_OPEN_WINDOWS inside one window, then it keeps the newest ones and allows each', () => {
    // Prepare: an hour-long duplicate window and no flood rule, 1,000 keyed messages a second apart
    const settings = { duplicateWindowMs: 3_600_000, floodLimit: 0, floodGapMs: 30_000 };
    let state: Parameters<typeof decideAntiLoop>[0];
    const verdicts = new Set<string>();
    // Act
    for (let index = 0; index < 1_000; index++) {
      const decided = decideAntiLoop(state, `print-${index}`, NOW + index * 1000, settings, `tag-${index}`);
      verdicts.add(decided.verdict.verdict);
      state = decided.next;
    }
    // Assess: before, all 1,000 windows stayed (the item grows about 90 bytes a message until it
    // passes DynamoDB's 400 KB); now the newest MAX_OPEN_WINDOWS, with their request tags
    const kept = Object.keys(state?.sent ?? {}).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
    expect(verdicts).toEqual(new Set(['allowed']));
    expect(kept).toHaveLength(MAX_OPEN_WINDOWS);
    expect(kept[0]).toBe(`print-${1_000 - MAX_OPEN_WINDOWS}`);
    expect(Object.keys(state?.keys ?? {}).sort()).toEqual([...kept].sort());
    expect(decideAntiLoop(state, 'print-999', NOW + 1_000_000, settings).verdict.verdict).toBe('duplicate');
  });

  it('when the window was shortened and the number holds MAX_OPEN_WINDOWS of the longer one, then the new message still refuses its repeat', () => {
    // Prepare: windows opened under an hour-long setting, then the setting cut to a minute
    const hour = { duplicateWindowMs: 3_600_000, floodLimit: 0, floodGapMs: 30_000 };
    const minute = { ...hour, duplicateWindowMs: 60_000 };
    let state: Parameters<typeof decideAntiLoop>[0];
    for (let index = 0; index < MAX_OPEN_WINDOWS; index++) {
      state = decideAntiLoop(state, `old-${index}`, NOW + index, hour).next;
    }
    // Act
    const first = decideAntiLoop(state, 'new', NOW + 10_000, minute);
    const repeat = decideAntiLoop(first.next, 'new', NOW + 11_000, minute);
    // Assess: before, the new window ended soonest and was the one trimmed: the repeat was allowed
    expect([first.verdict.verdict, repeat.verdict.verdict]).toEqual(['allowed', 'duplicate']);
    expect(Object.keys(first.next?.sent ?? {})).toHaveLength(MAX_OPEN_WINDOWS);
  });
});
