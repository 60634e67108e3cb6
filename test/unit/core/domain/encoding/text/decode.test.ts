import { describe, expect, it } from 'vitest';
import { decodeParts, decodeText, type EncodeOptions, encodeMessage } from '#core/domain/encoding/index.ts';
import { reassemble } from '../reassemble.ts';

const GSM_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€';
const LATIN1_ALL = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code)).join('');

describe('decodeText round trip', () => {
  it.each<[string, string, EncodeOptions]>([
    ['the whole GSM alphabet', GSM_ALPHABET, {}],
    ['the GSM alphabet over several parts', GSM_ALPHABET.repeat(5), {}],
    ['a flash GSM text', 'Code 1234 {ok}', { flash: true }],
    ['every Latin-1 character', LATIN1_ALL, { encoding: 'latin1' }],
    ['Latin-1 with flash', 'ça va', { encoding: 'latin1', flash: true }],
    ['Cyrillic over several parts', 'Съешь же ещё этих мягких французских булок. '.repeat(6), {}],
    ['emoji across part boundaries', `${'я'.repeat(66)}${'😀👍🏽'.repeat(30)}`, {}],
    ['ASCII forced to UCS-2 with flash', 'Hello', { encoding: 'ucs2', flash: true }],
  ])('when %s is encoded then decoded, then the text comes back', (_label, text, options) => {
    // Prepare
    const encoded = encodeMessage(text, options);
    // Act
    const decoded = reassemble(encoded);
    // Assess
    expect(decoded).toBe(text);
  });

  it.each<[string, string, EncodeOptions]>([
    ['Latin-1 in ISO mode', `${LATIN1_ALL}${LATIN1_ALL}`, {}],
    ['flash Latin-1 in ISO mode', 'Grüße', { flash: true }],
    ['Cyrillic in ISO mode', 'Привет'.repeat(20), {}],
  ])('when %s is encoded then decoded, then the text comes back', (_label, text, options) => {
    // Prepare
    const encoded = encodeMessage(text, { ...options, isoMode: true });
    // Act
    const decoded = reassemble(encoded, { isoMode: true });
    // Assess
    expect(decoded).toBe(text);
  });
});

describe('decodeText', () => {
  it.each([
    ['an escape to an undefined extension', [0x61, 0x1b, 0x41], 'aA'],
    ['a trailing escape', [0x61, 0x1b], 'a'],
    ['octets with the top bit set', [0xc1, 0x80], 'A@'],
    ['a double escape before an extension', [0x1b, 0x1b, 0x65], '€'],
  ])('when GSM holds %s, then it decodes leniently', (_label, bytes, expected) => {
    // Prepare
    const payload = Buffer.from(bytes);
    // Act
    const text = decodeText(payload, 0);
    // Assess
    expect(text).toBe(expected);
  });

  it.each([1, 3])('when data_coding is %i, then the bytes decode as Latin-1', (dataCoding) => {
    // Prepare
    const payload = Buffer.from('Olá ÿ', 'latin1');
    // Act
    const text = decodeText(payload, dataCoding);
    // Assess
    expect(text).toBe('Olá ÿ');
  });

  it('when a UCS-2 payload has an odd trailing octet, then it is dropped', () => {
    // Prepare
    const payload = Buffer.from([0x04, 0x16, 0x00]);
    // Act
    const text = decodeText(payload, 8);
    // Assess
    expect(text).toBe('Ж');
  });

  it('when a UCS-2 payload is decoded, then the input buffer is left untouched', () => {
    // Prepare
    const payload = Buffer.from([0x04, 0x16]);
    // Act
    decodeText(payload, 8);
    // Assess
    expect([...payload]).toEqual([0x04, 0x16]);
  });

  it.each<[string, number, number[], string]>([
    ['Cyrillic (ISO-8859-5)', 6, [0xbf, 0xe0, 0xd8, 0xd2, 0xd5, 0xe2], 'Привет'],
    ['Latin/Hebrew (ISO-8859-8)', 7, [0xf9, 0xec, 0xe5, 0xed], 'שלום'],
    ['ISO-2022-JP', 10, [0x1b, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x1b, 0x28, 0x42], 'こん'],
  ])(
    'when data_coding names %s (SMPP 3.4 value %i), then the text decodes in that character set',
    (_label, dataCoding, octets, expected) => {
      // Prepare
      const payload = Buffer.from(octets);
      // Act
      const text = decodeText(payload, dataCoding);
      // Assess: before, all three read as Latin-1 or UCS-2 (mojibake in the stored MO text).
      expect(text).toBe(expected);
    },
  );

  it('when data_coding is 0xF0 (class 0, GSM), then the text decodes as GSM', () => {
    // Prepare
    const payload = Buffer.from([0x1b, 0x65, 0x00]);
    // Act
    const text = decodeText(payload, 0xf0);
    // Assess
    expect(text).toBe('€@');
  });
});

describe('decodeParts', () => {
  const ESC = 0x1b;
  const gsm = (ascii: string, tail: number[] = []) => ({
    octets: Buffer.concat([Buffer.from(ascii, 'latin1'), Buffer.from(tail)]),
    dataCoding: 0,
  });
  const ucs2 = (octets: Buffer) => ({ octets, dataCoding: 8 });

  it('when ISO-2022-JP parts (data_coding 10) have odd lengths, then no octet is dropped', () => {
    // Prepare: 0x0a is UCS-2 by the GSM bits, whose odd trailing octet is dropped.
    const first = { octets: Buffer.from([0x1b, 0x24, 0x42, 0x24, 0x33, 0x24]), dataCoding: 10 };
    const second = { octets: Buffer.from([0x73, 0x1b, 0x28, 0x42, 0x41]), dataCoding: 10 };
    // Act
    const text = decodeParts([first, second]);
    // Assess
    expect(text).toBe('こんA');
  });

  it('when a sender splits € (ESC 0x65) across two parts, then the joined text reads €', () => {
    // Act: part 1 ends with the escape, part 2 starts with the € extension code.
    const joined = decodeParts([gsm('Price: 10', [ESC]), gsm('e only')]);
    // Assess: each part decoded alone and joined reads "Price: 10e only".
    expect(joined).toBe('Price: 10€ only');
  });

  it('when a sender splits an emoji (a surrogate pair) across two UCS-2 parts, then it is whole', () => {
    // Prepare
    const octets = Buffer.from('Hi 😀', 'utf16le').swap16();
    // Act
    const joined = decodeParts([ucs2(octets.subarray(0, 8)), ucs2(octets.subarray(8))]);
    // Assess
    expect(joined).toBe('Hi 😀');
  });

  it.each([
    ['an escape ending the last part', [gsm('Hi', [ESC])], 'Hi'],
    ['an escape before an undefined extension code', [gsm('A', [ESC]), gsm('Bc')], 'ABc'],
    ['no escape at all', [gsm('Hello '), gsm('world')], 'Hello world'],
    ['a part an earlier version stored as text', ['Hello ', gsm('world')], 'Hello world'],
    ['a UCS-2 part with an odd octet', [ucs2(Buffer.from([0, 0x41, 0])), ucs2(Buffer.from([0, 0x42]))], 'AB'],
    ['parts of different codings', [gsm('Hi '), ucs2(Buffer.from('Ы', 'utf16le').swap16())], 'Hi Ы'],
  ])('when the parts hold %s, then the text is as TS 23.038 shows it', (_, parts, expected) => {
    // Act
    const joined = decodeParts(parts);
    // Assess
    expect(joined).toBe(expected);
  });

  it('when a single message ends with an escape, then it is dropped', () => {
    // Act
    const text = decodeText(gsm('Hi', [ESC]).octets, 0);
    // Assess
    expect(text).toBe('Hi');
  });
});
