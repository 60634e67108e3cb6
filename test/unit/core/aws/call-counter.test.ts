import { describe, expect, it } from 'vitest';
import { AwsCallCounter, callsPer, callsSince } from '#core/aws/call-counter.ts';

describe('AwsCallCounter', () => {
  it('when calls are recorded, then the snapshot counts them by service and command, with their attempts', () => {
    // Prepare
    const counter = new AwsCallCounter();
    // Act
    counter.record('DynamoDB', 'PutItem', 1);
    counter.record('DynamoDB', 'PutItem', 2);
    counter.record('SQS', 'SendMessage', 1);
    // Assess
    expect(counter.snapshot()).toEqual({
      calls: { 'DynamoDB.PutItem': 2, 'SQS.SendMessage': 1 },
      attempts: 4,
    });
  });

  it('when a snapshot is taken, then later calls do not change it', () => {
    // Prepare
    const counter = new AwsCallCounter();
    counter.record('SQS', 'SendMessage', 1);
    const snapshot = counter.snapshot();
    // Act
    counter.record('SQS', 'SendMessage', 1);
    // Assess
    expect(snapshot.calls).toEqual({ 'SQS.SendMessage': 1 });
  });
});

describe('callsSince', () => {
  it('when two snapshots differ, then only the calls added between them are kept', () => {
    // Prepare
    const before = { calls: { 'DynamoDB.GetItem': 5, 'SQS.SendMessage': 3 }, attempts: 8 };
    const after = {
      calls: { 'DynamoDB.GetItem': 5, 'SQS.SendMessage': 7, 'DynamoDB.PutItem': 2 },
      attempts: 15,
    };
    // Act
    const added = callsSince(after, before);
    // Assess
    expect(added).toEqual({ calls: { 'SQS.SendMessage': 4, 'DynamoDB.PutItem': 2 }, attempts: 7 });
  });
});

describe('callsPer', () => {
  it('when divided by the messages, then the total and each command are per message, largest first', () => {
    // Prepare
    const counts = {
      calls: { 'SQS.SendMessage': 1000, 'DynamoDB.PutItem': 2000, 'DynamoDB.GetItem': 1 },
      attempts: 3010,
    };
    // Act
    const per = callsPer(counts, 1000);
    // Assess
    expect(per.total).toBe(3.001);
    expect(per.attempts).toBe(3.01);
    expect(Object.entries(per.byCommand)).toEqual([
      ['DynamoDB.PutItem', 2],
      ['SQS.SendMessage', 1],
      ['DynamoDB.GetItem', 0.001],
    ]);
  });

  it('when there were no messages, then the figures are NaN rather than a division by zero', () => {
    // Act
    const per = callsPer({ calls: { 'SQS.SendMessage': 3 }, attempts: 3 }, 0);
    // Assess
    expect(per.total).toBeNaN();
  });
});
