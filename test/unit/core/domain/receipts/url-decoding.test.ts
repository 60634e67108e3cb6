import { describe, expect, it } from 'vitest';
import { decodeCp1251, decodeUrlEncoded } from '#core/domain/receipts/url-decoding.ts';

describe('decodeUrlEncoded', () => {
  it.each([
    ['MegaFON+open', 'MegaFON open'],
    ['Fin%C3%A9', 'Finé'],
    ['%D0%9C%D0%A2%D0%A1', 'МТС'],
    ['%CC%D2%D1', 'МТС'],
    ['T2_Mobile', 'T2_Mobile'],
    ['100%', '100%'],
    ['%zz', '%zz'],
  ])('when the value is %j, then it reads %j', (value, expected) => {
    // Act
    const text = decodeUrlEncoded(value);
    // Assess
    expect(text).toBe(expected);
  });
});

describe('decodeCp1251', () => {
  it('when every byte is decoded, then the table agrees with the WHATWG windows-1251 decoder', () => {
    // Prepare
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    // Act
    const text = decodeCp1251(bytes);
    // Assess
    expect(text).toBe(new TextDecoder('windows-1251').decode(bytes));
  });
});
