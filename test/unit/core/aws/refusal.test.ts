import { describe, expect, it } from 'vitest';
import { awsWords, callRefusal } from '#core/aws/refusal.ts';

// AWS's words reach a log line; a value of the request it quotes (a recipient, an incoming text) must not.

describe('awsWords', () => {
  it('when AWS quotes a value with a quote inside it, then nothing from that quote on is kept', () => {
    // Prepare
    const message = `Value 'it's Ответ' at 'entries.1.member.detail' failed to satisfy constraint`;
    // Act
    const words = awsWords(message);
    // Assess
    expect(words).toBe('Value …');
  });

  it('when SQS names an invalid parameter value without quotes, then the value is left out', () => {
    // Prepare
    const message = 'Value {"to":+79991234567} for parameter MessageBody is invalid. Reason: too long.';
    // Act
    const words = awsWords(message);
    // Assess
    expect(words).toBe('Value … for parameter MessageBody is invalid. Reason: too long.');
  });

  it('when AWS says a lot, then the words are cut to a few hundred characters', () => {
    // Prepare
    const message = `User is not authorized to perform: events:PutEvents on resource: ${'a'.repeat(1_000)}`;
    // Act
    const words = awsWords(message);
    // Assess
    expect(words.length).toBeLessThanOrEqual(301);
  });
});

describe('callRefusal', () => {
  it('when a call throws something that is not an Error, then the refusal says so without its value', () => {
    // Prepare
    const thrown = { to: '+79991234567' };
    // Act
    const refusal = callRefusal(thrown);
    // Assess
    expect(refusal).toEqual({ errorCode: 'Unknown', reason: 'not an Error' });
  });
});
