import { describe, expect, it } from 'vitest';
import {
  allowedPredecessors,
  canSetEngagementFlags,
  canTransition,
  FINAL_STATUSES,
  isFinal,
  MESSAGE_STATUSES,
  type MessageStatus,
  RELEASE_CLAIM,
  RELEASE_UNTAKEN,
  receiptOutcomeToStatus,
  statusRank,
} from '#core/domain/messages/message-state.ts';
import type { ReceiptOutcome } from '#core/domain/receipts/receipt.ts';

const ALLOWED: ReadonlyArray<[MessageStatus, MessageStatus]> = [
  ['accepted', 'submitting'],
  ['accepted', 'rejected'],
  ['accepted', 'failed'],
  ['accepted', 'expired'],
  ['submitting', 'submitted'],
  ['submitting', 'unknown'],
  ['submitting', 'failed'],
  ['unknown', 'submitted'],
  ['unknown', 'delivered'],
  ['unknown', 'undelivered'],
  ['unknown', 'expired'],
  ['unknown', 'rejected'],
  ['unknown', 'failed'],
  ['submitted', 'delivered'],
  ['submitted', 'undelivered'],
  ['submitted', 'expired'],
  ['submitted', 'rejected'],
];

const isAllowed = (from: MessageStatus, to: MessageStatus) =>
  ALLOWED.some(([f, t]) => f === from && t === to);
const ALL_PAIRS = MESSAGE_STATUSES.flatMap((from) => MESSAGE_STATUSES.map((to) => [from, to] as const));

describe('message states', () => {
  it.each(ALLOWED)('when a message is %s, then it may move to %s', (from, to) => {
    // Prepare
    const pair = { from, to };
    // Act
    const allowed = canTransition(pair.from, pair.to);
    // Assess
    expect(allowed).toBe(true);
  });

  it.each([
    ['submitted', 'submitting'],
    ['submitted', 'accepted'],
    ['submitted', 'unknown'],
    ['submitted', 'failed'],
    ['submitting', 'delivered'],
    ['accepted', 'submitted'],
    ['accepted', 'delivered'],
    ['delivered', 'undelivered'],
    ['failed', 'submitted'],
    ['expired', 'delivered'],
    ['delivered', 'delivered'],
  ] as const)('when a message is %s, then it may not move to %s', (from, to) => {
    // Prepare
    const pair = { from, to };
    // Act
    const allowed = canTransition(pair.from, pair.to);
    // Assess
    expect(allowed).toBe(false);
  });

  it('when every pair of statuses is checked, then exactly the listed moves are allowed', () => {
    // Prepare
    const pairs = ALL_PAIRS;
    // Act
    const allowed = pairs.filter(([from, to]) => canTransition(from, to));
    // Assess
    expect(allowed).toHaveLength(ALLOWED.length);
    expect(pairs.every(([from, to]) => canTransition(from, to) === isAllowed(from, to))).toBe(true);
  });

  it('when any allowed move is made, then the rank strictly rises', () => {
    // Prepare
    const pairs = ALL_PAIRS.filter(([from, to]) => canTransition(from, to));
    // Act
    const falling = pairs.filter(([from, to]) => statusRank[to] <= statusRank[from]);
    // Assess
    expect(falling).toEqual([]);
  });

  it('when ranks are listed in lifecycle order, then they never fall and every final state ranks 4', () => {
    // Prepare
    const lifecycle: MessageStatus[] = ['accepted', 'submitting', 'unknown', 'submitted', 'delivered'];
    // Act
    const ranks = lifecycle.map((status) => statusRank[status]);
    // Assess
    expect(ranks).toEqual([0, 1, 2, 3, 4]);
    expect(FINAL_STATUSES.map((status) => statusRank[status])).toEqual([4, 4, 4, 4, 4]);
  });

  it('when a status is final, then nothing may follow it', () => {
    // Prepare
    const finals = MESSAGE_STATUSES.filter(isFinal);
    // Act
    const successors = finals.flatMap((from) => MESSAGE_STATUSES.filter((to) => canTransition(from, to)));
    // Assess
    expect(finals).toEqual(['delivered', 'undelivered', 'expired', 'rejected', 'failed']);
    expect(successors).toEqual([]);
  });

  it.each([
    ['accepted', []],
    ['submitting', ['accepted']],
    ['unknown', ['submitting']],
    ['submitted', ['submitting', 'unknown']],
    ['delivered', ['unknown', 'submitted']],
    ['undelivered', ['unknown', 'submitted']],
    ['expired', ['accepted', 'unknown', 'submitted']],
    ['rejected', ['accepted', 'unknown', 'submitted']],
    ['failed', ['accepted', 'submitting', 'unknown']],
  ] as const)('when the next status is %s, then the condition allows %j', (to, expected) => {
    // Prepare
    const next: MessageStatus = to;
    // Act
    const predecessors = allowedPredecessors(next);
    // Assess
    expect(predecessors).toEqual(expected);
  });

  it('when a claim is released, then it is the one backward move and not a normal transition', () => {
    // Prepare
    const { from, to } = RELEASE_CLAIM;
    // Act
    const allowedAsEvent = canTransition(from, to);
    // Assess
    expect({ from, to }).toEqual({ from: 'submitting', to: 'accepted' });
    expect(allowedAsEvent).toBe(false);
    expect(statusRank[to]).toBeLessThan(statusRank[from]);
  });

  it('when a message the SMSC did not take after all is released, then it is a backward move and not a normal transition', () => {
    // Prepare
    const { from, to } = RELEASE_UNTAKEN;
    // Act
    const allowedAsEvent = canTransition(from, to);
    // Assess
    expect({ from, to }).toEqual({ from: 'unknown', to: 'accepted' });
    expect(allowedAsEvent).toBe(false);
    expect(statusRank[to]).toBeLessThan(statusRank[from]);
  });

  it('when read or clicked arrives, then only a delivered message takes the flag', () => {
    // Prepare
    const statuses = MESSAGE_STATUSES;
    // Act
    const flaggable = statuses.filter(canSetEngagementFlags);
    // Assess
    expect(flaggable).toEqual(['delivered']);
  });

  it.each<[ReceiptOutcome, MessageStatus | undefined]>([
    ['delivered', 'delivered'],
    ['undelivered', 'undelivered'],
    ['expired', 'expired'],
    ['rejected', 'rejected'],
    ['unknown', undefined],
    ['enroute', undefined],
  ])('when a receipt says %s, then the status becomes %s', (outcome, expected) => {
    // Prepare
    const receipt = { outcome };
    // Act
    const status = receiptOutcomeToStatus(receipt.outcome);
    // Assess
    expect(status).toBe(expected);
  });

  it('when a receipt changes the status, then a submitted message may take it', () => {
    // Prepare
    const outcomes: ReceiptOutcome[] = [
      'delivered',
      'undelivered',
      'expired',
      'rejected',
      'unknown',
      'enroute',
    ];
    // Act
    const statuses = outcomes.map(receiptOutcomeToStatus).filter((status) => status !== undefined);
    // Assess
    expect(statuses.every((status) => canTransition('submitted', status))).toBe(true);
  });
});
