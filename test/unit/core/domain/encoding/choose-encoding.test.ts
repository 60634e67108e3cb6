import { describe, expect, it } from 'vitest';
import {
  chooseEncoding,
  EncodingUnavailableError,
  encodeMessage,
  UnencodableTextError,
} from '#core/domain/encoding/index.ts';
import { DomainError } from '#core/domain/errors.ts';

function caught(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('chooseEncoding', () => {
  it.each([
    ['Hello, world!', 'gsm7'],
    ['Grüße aus Köln, 5€ {x}', 'gsm7'],
    ['Ça va', 'gsm7'],
    ['ça va', 'ucs2'],
    ['Привет', 'ucs2'],
    ['ok 👍', 'ucs2'],
  ] as const)('when auto meets %j outside ISO mode, then it picks %s', (text, expected) => {
    // Prepare
    const options = { encoding: 'auto' } as const;
    // Act
    const encoding = chooseEncoding(text, options);
    // Assess
    expect(encoding).toBe(expected);
  });

  it.each([
    ['Hello', 'latin1'],
    ['ça va, ÿ', 'latin1'],
    ['5€', 'ucs2'],
    ['Привет', 'ucs2'],
  ] as const)('when auto meets %j in ISO mode, then it picks %s', (text, expected) => {
    // Prepare
    const options = { isoMode: true };
    // Act
    const encoding = chooseEncoding(text, options);
    // Assess
    expect(encoding).toBe(expected);
  });

  it('when latin1 is forced outside ISO mode on GSM-only text, then latin1 is used', () => {
    // Prepare
    const text = 'Hello';
    // Act
    const encoding = chooseEncoding(text, { encoding: 'latin1' });
    // Assess
    expect(encoding).toBe('latin1');
  });

  it('when ucs2 is forced on plain ASCII, then ucs2 is used', () => {
    // Prepare
    const text = 'Hello';
    // Act
    const encoding = chooseEncoding(text, { encoding: 'ucs2' });
    // Assess
    expect(encoding).toBe('ucs2');
  });

  it('when gsm7 is forced on Cyrillic, then the error names the character, code point and index', () => {
    // Prepare
    const text = 'abcЖd';
    // Act
    const error = caught(() => encodeMessage(text, { encoding: 'gsm7' }));
    // Assess
    expect(error).toBeInstanceOf(UnencodableTextError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      name: 'UnencodableTextError',
      code: 'unencodable_text',
      character: 'Ж',
      index: 3,
      encoding: 'gsm7',
      message:
        'Text cannot be encoded as gsm7: character "Ж" (U+0416) at index 3 is not in the GSM 03.38 alphabet',
    });
  });

  it('when latin1 is forced on an emoji, then the error names the whole emoji and its code point', () => {
    // Prepare
    const text = 'hi 😀';
    // Act
    const error = caught(() => chooseEncoding(text, { encoding: 'latin1' }));
    // Assess
    expect(error).toBeInstanceOf(UnencodableTextError);
    expect(error).toMatchObject({
      character: '😀',
      index: 3,
      encoding: 'latin1',
      message: 'Text cannot be encoded as latin1: character "😀" (U+1F600) at index 3 is not in ISO-8859-1',
    });
  });

  it('when the offending character is a control character, then the message shows it escaped', () => {
    // Prepare
    const text = 'a\tb';
    // Act
    const error = caught(() => chooseEncoding(text, { encoding: 'gsm7' }));
    // Assess
    expect((error as Error).message).toContain('character "\\t" (U+0009) at index 1');
  });

  it('when a long forced-gsm7 text also holds a foreign character, then the character error wins', () => {
    // Prepare
    const text = `${'a'.repeat(5000)}Ж`;
    // Act
    const act = () => encodeMessage(text, { encoding: 'gsm7' });
    // Assess
    expect(act).toThrow(UnencodableTextError);
  });

  it('when gsm7 is forced in ISO mode, then EncodingUnavailableError explains why', () => {
    // Prepare
    const options = { encoding: 'gsm7', isoMode: true } as const;
    // Act
    const error = caught(() => chooseEncoding('Hello', options));
    // Assess
    expect(error).toBeInstanceOf(EncodingUnavailableError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'encoding_unavailable', encoding: 'gsm7' });
    expect((error as Error).message).toMatch(/ISO mode.*data_coding 0.*ISO-8859-1/);
  });

  it('when ucs2 is forced on any text, then it never fails', () => {
    // Prepare
    const text = 'Ж😀\ud800 lone surrogate';
    // Act
    const encoding = chooseEncoding(text, { encoding: 'ucs2', isoMode: true });
    // Assess
    expect(encoding).toBe('ucs2');
  });
});
