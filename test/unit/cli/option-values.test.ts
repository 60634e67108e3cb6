import { describe, expect, it } from 'vitest';
import { UsageError } from '#cli/context.ts';
import { endpointOption, idempotencyKeyOption, wholeNumberOption } from '#cli/option-values.ts';

describe('whole-number option values', () => {
  it.each(['1', '42', '1e3'])('when %s is given for a count from 1, then it is taken', (value) => {
    // Prepare
    const parse = wholeNumberOption('--max', 1);
    // Act
    const parsed = parse(value);
    // Assess
    expect(parsed).toBe(Number(value));
  });

  it.each(['', ' ', 'abc', '0', '-3', '2.5', 'Infinity', '9007199254740993'])(
    'when "%s" is given for a count from 1, then it is a usage error naming the option',
    (value) => {
      // Prepare
      const parse = wholeNumberOption('--max', 1);
      // Act
      const act = () => parse(value);
      // Assess
      expect(act).toThrow(UsageError);
      expect(act).toThrow(`--max must be a whole number >= 1 (got "${value}")`);
    },
  );
});

describe('the --endpoint value', () => {
  it.each([
    'http://127.0.0.1:3000',
    'http://localhost:3000/',
    'http://[::1]:3000',
    'https://abc123.execute-api.eu-central-1.amazonaws.com/prod',
  ])('when %s is given, then it is taken as it is', (value) => {
    // Act
    const parsed = endpointOption(value);
    // Assess
    expect(parsed).toBe(value);
  });

  it.each([
    'localhost:3000',
    '127.0.0.1:3000',
    'abc123.execute-api.eu-central-1.amazonaws.com/prod',
    'ftp://host',
    '',
  ])(
    'when "%s" (no http:// or https://) is given, then it is a usage error naming --endpoint and the form it takes',
    (value) => {
      // Act
      const act = () => endpointOption(value);
      // Assess: before, "localhost:3000" was taken for a deployed stack ("no AWS region for : …"),
      // "127.0.0.1:3000" ended "Invalid URL", both exit 1
      expect(act).toThrow(UsageError);
      expect(act).toThrow(
        /^--endpoint \(or SMSC_ENDPOINT\) must be the API's http:\/\/ or https:\/\/ URL, e\.g\. http:\/\/localhost:3000/,
      );
      expect(act).toThrow(`(got "${value}")`);
    },
  );

  it('when a refused value holds a password before an "@", then the error does not repeat it', () => {
    // Act
    const act = () => endpointOption('user:s3cret@127.0.0.1:3000');
    // Assess
    expect(act).toThrow('(got "…@127.0.0.1:3000")');
  });
});

describe('the --idempotency-key value', () => {
  it.each(['', '  '])(
    'when it is %j (an unset shell variable), then it is a usage error, not a random key',
    (value) => {
      // Act
      const parse = () => idempotencyKeyOption(value);
      // Assess: before, an empty key silently became a new random one, and a resend a second message
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(/--idempotency-key is empty/);
    },
  );

  it('when it is given, then it is taken as it is', () => {
    // Act
    const key = idempotencyKeyOption('order-1042');
    // Assess
    expect(key).toBe('order-1042');
  });
});
