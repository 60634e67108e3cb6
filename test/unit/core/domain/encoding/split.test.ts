import { describe, expect, it } from 'vitest';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import { payloadLengths } from './reassemble.ts';

describe('encodeMessage part splitting', () => {
  it('when a GSM text has 160 characters, then it is one part without UDH', () => {
    // Prepare
    const text = 'a'.repeat(160);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded).toMatchObject({ encoding: 'gsm7', dataCoding: 0, esmClass: 0, units: 160 });
    expect(encoded.parts).toHaveLength(1);
    expect(encoded.parts[0]).toEqual(Buffer.alloc(160, 0x61));
  });

  it('when a GSM text has 161 characters, then it is 153 + 8 septets behind a concatenation UDH', () => {
    // Prepare
    const text = 'a'.repeat(161);
    // Act
    const encoded = encodeMessage(text, { reference: 0x2a });
    // Assess
    expect(encoded.esmClass).toBe(0x40);
    expect(encoded.units).toBe(161);
    expect(payloadLengths(encoded)).toEqual([153, 8]);
    expect([...encoded.parts[0]!.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 0x2a, 2, 1]);
    expect([...encoded.parts[1]!.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 0x2a, 2, 2]);
    expect(encoded.parts[0]!.length).toBe(159);
  });

  it.each([
    [306, [153, 153]],
    [307, [153, 153, 1]],
    [459, [153, 153, 153]],
    [1530, Array<number>(10).fill(153)],
  ])('when a GSM text has %i characters, then the parts hold %j septets', (length, expected) => {
    // Prepare
    const text = 'x'.repeat(length);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(payloadLengths(encoded)).toEqual(expected);
  });

  it('when an escape pair would straddle the 153rd septet, then it moves whole to the next part', () => {
    // Prepare
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded.units).toBe(164);
    expect(payloadLengths(encoded)).toEqual([152, 12]);
    expect([...encoded.parts[1]!.subarray(6, 8)]).toEqual([0x1b, 0x65]);
  });

  it('when an escape pair ends exactly at the 153rd septet, then it stays in the first part', () => {
    // Prepare
    const text = `${'a'.repeat(151)}€${'b'.repeat(10)}`;
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(payloadLengths(encoded)).toEqual([153, 10]);
    expect([...encoded.parts[0]!.subarray(-2)]).toEqual([0x1b, 0x65]);
  });

  it('when a text is 80 euro signs, then its 160 septets fit one part', () => {
    // Prepare
    const text = '€'.repeat(80);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded.units).toBe(160);
    expect(encoded.parts).toHaveLength(1);
    expect(encoded.parts[0]!.length).toBe(160);
  });

  it('when a text is 81 euro signs, then it needs 2 parts of 76 and 5 pairs', () => {
    // Prepare
    const text = '€'.repeat(81);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded.units).toBe(162);
    expect(payloadLengths(encoded)).toEqual([152, 10]);
  });

  it('when a Cyrillic text has 70 characters, then it is one UCS-2 part of 140 octets', () => {
    // Prepare
    const text = 'я'.repeat(70);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded).toMatchObject({ encoding: 'ucs2', dataCoding: 8, esmClass: 0, units: 70 });
    expect(encoded.parts).toHaveLength(1);
    expect(encoded.parts[0]!.length).toBe(140);
    expect([...encoded.parts[0]!.subarray(0, 2)]).toEqual([0x04, 0x4f]);
  });

  it('when a Cyrillic text has 71 characters, then it is 67 + 4 units', () => {
    // Prepare
    const text = 'я'.repeat(71);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded.esmClass).toBe(0x40);
    expect(payloadLengths(encoded)).toEqual([134, 8]);
  });

  it.each([
    [134, [134, 134]],
    [135, [134, 134, 2]],
  ])('when a UCS-2 text has %i units, then the parts hold %j octets', (length, expected) => {
    // Prepare
    const text = 'ж'.repeat(length);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(payloadLengths(encoded)).toEqual(expected);
  });

  it('when a surrogate pair would straddle the 67th unit, then it moves whole to the next part', () => {
    // Prepare
    const text = `${'я'.repeat(66)}😀${'я'.repeat(10)}`;
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded.units).toBe(78);
    expect(payloadLengths(encoded)).toEqual([132, 24]);
    expect([...encoded.parts[1]!.subarray(6, 10)]).toEqual([0xd8, 0x3d, 0xde, 0x00]);
  });

  it('when a surrogate pair ends exactly at the 67th unit, then it stays in the first part', () => {
    // Prepare
    const text = `${'я'.repeat(65)}😀${'я'.repeat(10)}`;
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(payloadLengths(encoded)).toEqual([134, 20]);
  });

  it('when a text is 35 emoji, then its 70 units fit one part', () => {
    // Prepare
    const text = '😀'.repeat(35);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded).toMatchObject({ encoding: 'ucs2', units: 70 });
    expect(encoded.parts).toHaveLength(1);
  });

  it('when a text is 36 emoji, then each part holds 33 of them (66 units)', () => {
    // Prepare
    const text = '😀'.repeat(36);
    // Act
    const encoded = encodeMessage(text);
    // Assess
    expect(encoded.units).toBe(72);
    expect(payloadLengths(encoded)).toEqual([132, 12]);
  });

  it('when a Latin-1 text has 140 characters, then it is one part with data_coding 4', () => {
    // Prepare
    const text = 'ç'.repeat(140);
    // Act
    const encoded = encodeMessage(text, { encoding: 'latin1' });
    // Assess
    expect(encoded).toMatchObject({ encoding: 'latin1', dataCoding: 4, esmClass: 0, units: 140 });
    expect(encoded.parts[0]).toEqual(Buffer.alloc(140, 0xe7));
  });

  it('when a Latin-1 text has 141 characters, then it is 134 + 7 octets', () => {
    // Prepare
    const text = 'ç'.repeat(141);
    // Act
    const encoded = encodeMessage(text, { encoding: 'latin1' });
    // Assess
    expect(encoded.esmClass).toBe(0x40);
    expect(payloadLengths(encoded)).toEqual([134, 7]);
  });

  it('when no reference is given, then successive long messages get different references', () => {
    // Prepare
    const text = 'a'.repeat(200);
    // Act
    const first = encodeMessage(text);
    const second = encodeMessage(text);
    // Assess
    expect(second.parts[0]![3]).toBe((first.parts[0]![3]! + 1) & 0xff);
    expect(first.parts[1]![3]).toBe(first.parts[0]![3]);
  });

  it.each([
    ['a long', 200],
    ['a single-part', 5],
  ])('when the reference is outside 0..255 for %s text, then a RangeError says so', (_label, length) => {
    // Prepare
    const text = 'a'.repeat(length);
    // Act
    const act = () => encodeMessage(text, { reference: 256 });
    // Assess
    expect(act).toThrow(RangeError);
  });
});
