import { describe, expect, it } from 'vitest';
import { normaliseSmscId } from '#core/domain/receipts/smsc-id.ts';

describe('normaliseSmscId', () => {
  it.each([
    ['a decimal id', '854019', '854019'],
    ['a padded decimal id', '000854019', '854019'],
    ['an id of zeros', '0000', '0'],
    ['a single zero', '0', '0'],
    ['an id with surrounding blanks', '  854019 \n', '854019'],
    ['a hex id in upper case', 'D0833', '854067'],
    ['a hex id in lower case', 'd0833', '854067'],
    ['a padded hex id', '000d0833', '854067'],
    ['a long decimal id', '98765432109876543210', '98765432109876543210'],
    ['a long hex id', 'FFFFFFFFFFFFFFFFFFFF', '1208925819614629174706175'],
    ['an id with other letters', 'MSG-00Zx', 'msg-00zx'],
    ['a uuid', 'A1B2C3D4-0000-4000-8000-00000000000F', 'a1b2c3d4-0000-4000-8000-00000000000f'],
  ])('when %s is normalised, then it becomes %j', (_, id, expected) => {
    // Prepare
    // Act
    const normalised = normaliseSmscId(id);
    // Assess
    expect(normalised).toBe(expected);
  });

  it('when SUBMIT_SM_RESP gave decimal and the receipt gives hex, then both normalise alike', () => {
    // Prepare
    const fromSubmitResp = '1234567890123';
    const fromReceipt = 1234567890123n.toString(16).toUpperCase();
    // Act
    const [left, right] = [normaliseSmscId(fromSubmitResp), normaliseSmscId(fromReceipt)];
    // Assess
    expect(fromReceipt).toMatch(/[A-F]/);
    expect(left).toBe(right);
  });

  it('when an id is normalised twice, then the second pass changes nothing', () => {
    // Prepare
    const once = normaliseSmscId('00ABCDEF');
    // Act
    const twice = normaliseSmscId(once);
    // Assess
    expect(twice).toBe(once);
  });
});
