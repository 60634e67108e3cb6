import { describe, expect, it } from 'vitest';
import { normaliseSmscId, type SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

describe('normaliseSmscId', () => {
  it.each([
    ['a decimal id', 'decimal', '854019', '854019'],
    ['a padded decimal id', 'decimal', '000854019', '854019'],
    ['an id of zeros', 'decimal', '0000', '0'],
    ['a single zero', 'decimal', '0', '0'],
    ['an id with surrounding blanks', 'decimal', '  854019 \n', '854019'],
    ['a long decimal id', 'decimal', '98765432109876543210', '98765432109876543210'],
    ['a lettered id, by a decimal SMSC', 'decimal', '000D0833', '000d0833'],
    ['an id with other letters', 'decimal', 'MSG-00Zx', 'msg-00zx'],
    ['a uuid', 'decimal', 'A1B2C3D4-0000-4000-8000-00000000000F', 'a1b2c3d4-0000-4000-8000-00000000000f'],
    ['a hex id in upper case', 'hex', 'D0833', 'd0833'],
    ['a padded hex id', 'hex', '000D0833', 'd0833'],
    ['a hex id without a letter', 'hex', '00854067', '854067'],
    ['an id that is not hex, by a hex SMSC', 'hex', 'MSG-00Zx', 'msg-00zx'],
    ['an empty id', 'decimal', '  ', ''],
  ] as const)('when %s (%s) is normalised, then it becomes %j', (_, base, id, expected) => {
    // Act
    const normalised = normaliseSmscId(id, base);
    // Assess
    expect(normalised).toBe(expected);
  });

  it('when a hex SMSC writes an all-digit id, then it never equals the decimal value of a lettered one', () => {
    // Prepare: 0x1A2B3C is 1715004; "1715004" is another hex id (0x1715004).
    const lettered = '1A2B3C';
    const digitsOnly = '1715004';
    // Act
    const [left, right] = [normaliseSmscId(lettered, 'hex'), normaliseSmscId(digitsOnly, 'hex')];
    // Assess
    expect(Number.parseInt(lettered, 16)).toBe(1715004);
    expect(left).not.toBe(right);
  });

  it('when no base is given, then ids are read as decimal, the provider’s base', () => {
    // Act / Assess
    expect(normaliseSmscId('00D0833')).toBe(normaliseSmscId('00D0833', 'decimal'));
    expect(normaliseSmscId('0042')).toBe('42');
  });

  it.each(['decimal', 'hex'] as const)(
    'when an id is normalised twice in %s, then the second pass changes nothing',
    (base: SmscIdBase) => {
      // Prepare
      const ids = ['00ABCDEF', '000123', ' X-01 ', ''];
      // Act
      const once = ids.map((id) => normaliseSmscId(id, base));
      const twice = once.map((id) => normaliseSmscId(id, base));
      // Assess
      expect(twice).toEqual(once);
    },
  );
});
