import { describe, expect, it } from 'vitest';
import { chooseEncoding, decodeText, encodeMessage } from '#core/domain/encoding/index.ts';

function hex(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

// An independent transcription of TS 23.038 §6.2.1 as glyphs, checked against the code-point table.
const BASIC_GLYPHS =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION_GLYPHS: readonly (readonly [string, number])[] = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];
const EXTENSION_CASES = EXTENSION_GLYPHS.map(([glyph, septet]) => ({ glyph, septet, hex: hex(septet) }));
const BASIC_CASES = [...BASIC_GLYPHS]
  .map((glyph, septet) => ({ glyph, septet, hex: hex(septet) }))
  .filter(({ septet }) => septet !== 0x1b);

describe('GSM 03.38 alphabet', () => {
  it('when the glyph transcription is read, then it has the 128 septets of the basic table', () => {
    // Prepare
    const glyphs = [...BASIC_GLYPHS];
    // Act
    const count = glyphs.length;
    // Assess
    expect(count).toBe(128);
  });

  it.each(BASIC_CASES)('when $glyph is encoded, then it is the single septet $hex', ({ glyph, septet }) => {
    // Prepare
    const text = glyph;
    // Act
    const encoded = encodeMessage(text, { encoding: 'gsm7' });
    // Assess
    expect([...encoded.parts[0]!]).toEqual([septet]);
    expect(encoded.units).toBe(1);
    expect(decodeText(encoded.parts[0]!, 0)).toBe(glyph);
  });

  it.each(EXTENSION_CASES)(
    'when $glyph is encoded, then it is ESC + $hex and costs 2 septets',
    ({ glyph, septet }) => {
      // Prepare
      const text = glyph;
      // Act
      const encoded = encodeMessage(text, { encoding: 'gsm7' });
      // Assess
      expect([...encoded.parts[0]!]).toEqual([0x1b, septet]);
      expect(encoded.units).toBe(2);
      expect(decodeText(encoded.parts[0]!, 0)).toBe(glyph);
    },
  );

  it('when every BMP code unit is tried, then exactly the 127 basic and 10 extension characters are GSM', () => {
    // Prepare
    const expected = new Set([
      ...BASIC_GLYPHS.replace('\u001b', ''),
      ...EXTENSION_GLYPHS.map(([glyph]) => glyph),
    ]);
    const found: string[] = [];
    // Act
    for (let unit = 0; unit < 0x10000; unit++) {
      if (unit >= 0xd800 && unit <= 0xdfff) continue;
      const text = String.fromCharCode(unit);
      if (chooseEncoding(text) === 'gsm7') found.push(text);
    }
    // Assess
    expect(found).toHaveLength(137);
    expect(new Set(found)).toEqual(expected);
  });

  it.each([
    ['ç', 'small c cedilla (only capital Ç is GSM)'],
    ['`', 'grave accent'],
    ['\t', 'tab'],
    ['\u001b', 'a raw escape character'],
    ['á', 'a with acute'],
  ])('when the text holds %j (%s), then auto chooses UCS-2', (character) => {
    // Prepare
    const text = `ab${character}`;
    // Act
    const encoding = chooseEncoding(text);
    // Assess
    expect(encoding).toBe('ucs2');
  });
});
