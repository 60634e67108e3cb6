import { describe, expect, it } from 'vitest';
import { firstDisallowedCharacter } from '#core/domain/requests/text-characters.ts';

describe('firstDisallowedCharacter', () => {
  it('when the text holds letters of any script, emoji, LF, CR, TAB and FF, then nothing is refused', () => {
    // Prepare
    const texts = [
      'Hello',
      'Привет 你好 مرحبا',
      'Go 🚀👍🏽 𝄞',
      'a\nb\r\nc\td\fe',
      '€[]{}~^|\\',
      '\uE000\uFFFD',
    ];
    // Act
    const found = texts.map(firstDisallowedCharacter);
    // Assess
    expect(found).toEqual(texts.map(() => undefined));
  });

  it('when the text holds a control character, then the first one is named with its UTF-16 index', () => {
    // Act
    const found = [
      firstDisallowedCharacter('ab\u0000'),
      firstDisallowedCharacter('😀\u0007\u001B'),
      firstDisallowedCharacter('x\u007F'),
      firstDisallowedCharacter('x\u009B'),
    ];
    // Assess
    expect(found).toEqual([
      { index: 2, codePoint: 0x00, kind: 'a control character' },
      { index: 2, codePoint: 0x07, kind: 'a control character' },
      { index: 1, codePoint: 0x7f, kind: 'a control character' },
      { index: 1, codePoint: 0x9b, kind: 'a control character' },
    ]);
  });

  it('when the text holds half a surrogate pair, then it is refused, whether high, low or at the end', () => {
    // Act
    const found = ['a\uD83Db', 'a\uDE00b', 'end\uD83D', '\uDE00\uD83D'].map(firstDisallowedCharacter);
    // Assess
    expect(found).toEqual([
      { index: 1, codePoint: 0xd83d, kind: 'a lone surrogate' },
      { index: 1, codePoint: 0xde00, kind: 'a lone surrogate' },
      { index: 3, codePoint: 0xd83d, kind: 'a lone surrogate' },
      { index: 0, codePoint: 0xde00, kind: 'a lone surrogate' },
    ]);
  });

  it('when the text holds a noncharacter of the BMP or of another plane, then it is refused', () => {
    // Act
    const found = ['\uFFFE', 'ok\uFFFF', '\uFDD0', '\uFDEF', 'a\u{1FFFF}', '\u{10FFFE}'].map(
      firstDisallowedCharacter,
    );
    // Assess
    expect(found.map((item) => item && [item.index, item.codePoint.toString(16), item.kind])).toEqual([
      [0, 'fffe', 'a Unicode noncharacter'],
      [2, 'ffff', 'a Unicode noncharacter'],
      [0, 'fdd0', 'a Unicode noncharacter'],
      [0, 'fdef', 'a Unicode noncharacter'],
      [1, '1ffff', 'a Unicode noncharacter'],
      [0, '10fffe', 'a Unicode noncharacter'],
    ]);
  });
});
