import { UsageError } from './context.ts';

// Numbers given as options, checked while commander parses them: a value out of range is a usage
// error naming the option (exit 2) before anything runs, never a NaN the command would run with.

/** A parser for an option that takes a whole number of at least `min`. */
export function wholeNumberOption(option: string, min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    // Number('') and Number(' ') are 0: an empty value is no number either.
    if (value.trim() === '' || !Number.isSafeInteger(number) || number < min) {
      throw new UsageError(`${option} must be a whole number >= ${min} (got "${value}")`);
    }
    return number;
  };
}
