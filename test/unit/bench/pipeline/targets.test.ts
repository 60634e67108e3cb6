import { describe, expect, it } from 'vitest';
import { checkTargets, formatCalls, type PipelineFigures } from '#bench/pipeline/targets.ts';

const before: PipelineFigures = {
  throughput: { deliveredPerSec: 128, bindServiceCpuMsPerMessage: 4.37 },
  urgent: { urgentMessages: 177, urgentAcceptToSubmitMs: { p99: 64.4 } },
};
const smpp = [{ window: 100, msgPerSec: 40_426, cpuMsPer1000: 25 }];

/** Part (d) of two logins at 300 and 150 msg/s whose rates add up to `aggregate`. */
const twoAccounts = (aggregate: number): PipelineFigures['twoAccounts'] => ({
  accounts: [
    { name: 'first', submitRatePerSec: aggregate - 150 },
    { name: 'second', submitRatePerSec: 150 },
  ],
  targetRatePerSec: 450,
  aggregateRatePerSec: aggregate,
});

const verdicts = (figures: PipelineFigures, smppRows = smpp) =>
  Object.fromEntries(checkTargets(figures, before, smppRows).map(({ name, ok }) => [name, ok]));

describe('checkTargets', () => {
  it('when every figure meets its target, then every target is ok', () => {
    // Prepare
    const run: PipelineFigures = {
      throughput: { deliveredPerSec: 400, bindServiceCpuMsPerMessage: 0.4 },
      urgent: { urgentMessages: 1200, urgentAcceptToSubmitMs: { p99: 80 } },
      memory: { peakRssMb: 120, maxRssMb: 125 },
      twoAccounts: twoAccounts(449),
    };
    // Act
    const ok = Object.values(verdicts(run));
    // Assess
    expect(ok).toEqual([true, true, true, true, true, true]);
  });

  it("when today's figures are checked, then CPU, rate, samples and memory are missed", () => {
    // Prepare: the urgent p99 is fine but over too few samples; RSS sampled low but maxRSS high.
    const run: PipelineFigures = { ...before, memory: { peakRssMb: 140, maxRssMb: 151 } };
    // Act
    const result = verdicts(run);
    // Assess
    expect(result).toEqual({
      '(a) bind-service CPU per message': false,
      '(a) first accept -> last delivered': false,
      '(b) urgent accept -> SUBMIT_SM p99': false,
      '(c) bind-service peak RSS': false,
      '(d) two accounts: aggregate SUBMIT_SM rate': false,
      'SMPP engine, window 100': true,
    });
  });

  it('when the delivered rate is exactly 3x the before figure, then it is ok', () => {
    // Prepare
    const run: PipelineFigures = { throughput: { deliveredPerSec: 384, bindServiceCpuMsPerMessage: 0.5 } };
    // Act
    const result = verdicts(run);
    // Assess
    expect(result['(a) first accept -> last delivered']).toBe(true);
    expect(result['(a) bind-service CPU per message']).toBe(true);
  });

  it("when (a) measured DynamoDB Local's ceiling, then the rate's figure names it", () => {
    // Prepare
    const run: PipelineFigures = {
      throughput: {
        deliveredPerSec: 94,
        bindServiceCpuMsPerMessage: 2.06,
        cpuBudget: { cores: 2, dynamoDbLocalCeilingPerSec: 194 },
      },
    };
    // Act
    const rate = checkTargets(run, before, smpp).find(({ name }) => name.startsWith('(a) first'));
    // Assess
    expect(rate).toEqual({
      name: '(a) first accept -> last delivered',
      value: '94 msg/s (DynamoDB Local alone: at most 194 on 2 cores)',
      target: '>= 384 msg/s (3 x 128)',
      ok: false,
    });
  });

  it('when a part did not run or the SMPP results are missing, then its target is MISSED, not ok', () => {
    // Act
    const targets = checkTargets({}, undefined, undefined);
    // Assess
    expect(targets.every(({ ok }) => !ok)).toBe(true);
    expect(targets.find(({ name }) => name.startsWith('SMPP'))?.value).toBe('no smpp results');
  });

  it('when the engine is slower than 40,000 msg/s at window 100, then its target is missed', () => {
    // Act
    const result = verdicts(before, [{ window: 100, msgPerSec: 39_000, cpuMsPer1000: 25 }]);
    // Assess
    expect(result['SMPP engine, window 100']).toBe(false);
  });
});

describe('checkTargets, part (d)', () => {
  it('when the two accounts add up to the sum of their rates within 2%, then (d) is ok, and missed just outside', () => {
    // Act: 450 msg/s ± 2% is 441 to 459.
    const at = (aggregate: number) =>
      verdicts({ twoAccounts: twoAccounts(aggregate) })['(d) two accounts: aggregate SUBMIT_SM rate'];
    // Assess
    expect([at(441), at(450), at(459)]).toEqual([true, true, true]);
    expect([at(440.9), at(459.1)]).toEqual([false, false]);
  });

  it('when part (d) ran, then its value names each account and the aggregate', () => {
    // Act
    const target = checkTargets({ twoAccounts: twoAccounts(447.5) }, before, smpp).find(({ name }) =>
      name.startsWith('(d)'),
    );
    // Assess
    expect(target).toMatchObject({
      value: '447.5 msg/s (first 297.5 + second 150)',
      target: '450 msg/s ± 2%',
    });
  });
});

describe('formatCalls', () => {
  it('when given calls per message, then the total comes first, then each command', () => {
    // Act
    const text = formatCalls({
      total: 2,
      attempts: 2,
      byCommand: { 'DynamoDB.PutItem': 1.5, 'SQS.SendMessage': 0.5 },
    });
    // Assess
    expect(text).toBe('2 (DynamoDB.PutItem 1.5, SQS.SendMessage 0.5)');
  });
});
