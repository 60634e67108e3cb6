import { describe, expect, it } from 'vitest';
import { UsageError } from '#cli/context.ts';
import { wholeNumberOption } from '#cli/option-values.ts';

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
