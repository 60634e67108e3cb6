import { describe, expect, it } from 'vitest';
import {
  dataCodingFor,
  type Encoding,
  EncodingUnavailableError,
  encodeMessage,
  encodingForDataCoding,
} from '#core/domain/encoding/index.ts';

describe('dataCodingFor', () => {
  it.each([
    ['gsm7', false, false, 0x00],
    ['latin1', false, false, 0x04],
    ['ucs2', false, false, 0x08],
    ['gsm7', false, true, 0x10],
    ['latin1', false, true, 0x14],
    ['ucs2', false, true, 0x18],
    ['latin1', true, false, 0x00],
    ['ucs2', true, false, 0x08],
    ['latin1', true, true, 0x10],
    ['ucs2', true, true, 0x18],
  ] as const)(
    'when %s (isoMode %s, flash %s), then data_coding is %i',
    (encoding, isoMode, flash, expected) => {
      // Prepare
      const options = { isoMode, flash };
      // Act
      const dataCoding = dataCodingFor(encoding, options);
      // Assess
      expect(dataCoding).toBe(expected);
    },
  );

  it('when gsm7 is asked for in ISO mode, then EncodingUnavailableError is thrown', () => {
    // Prepare
    const options = { isoMode: true };
    // Act
    const act = () => dataCodingFor('gsm7', options);
    // Assess
    expect(act).toThrow(EncodingUnavailableError);
  });

  it('when a flash message is encoded, then its data_coding carries message class 0', () => {
    // Prepare
    const text = 'Привет';
    // Act
    const encoded = encodeMessage(text, { flash: true });
    // Assess
    expect(encoded.dataCoding).toBe(0x18);
  });

  it('when ISO mode encodes Latin-1 text, then data_coding is 0', () => {
    // Prepare
    const text = 'ça va';
    // Act
    const encoded = encodeMessage(text, { isoMode: true });
    // Assess
    expect(encoded).toMatchObject({ encoding: 'latin1', dataCoding: 0 });
    expect(encoded.parts[0]).toEqual(Buffer.from('ça va', 'latin1'));
  });
});

describe('encodingForDataCoding', () => {
  it.each<[number, boolean, Encoding]>([
    [0x00, false, 'gsm7'],
    [0x00, true, 'latin1'],
    [0x01, false, 'latin1'],
    [0x02, false, 'latin1'],
    [0x03, false, 'latin1'],
    [0x04, false, 'latin1'],
    [0x08, false, 'ucs2'],
    [0x10, false, 'gsm7'],
    [0x10, true, 'latin1'],
    [0x11, false, 'gsm7'],
    [0x14, false, 'latin1'],
    [0x18, false, 'ucs2'],
    [0x48, false, 'ucs2'],
    [0xc0, false, 'gsm7'],
    [0xe0, false, 'ucs2'],
    [0xf0, false, 'gsm7'],
    [0xf1, true, 'gsm7'],
    [0xf4, false, 'latin1'],
    [0xf6, false, 'latin1'],
    [0x90, false, 'latin1'],
  ])('when data_coding is %d (isoMode %s), then the text is %s', (dataCoding, isoMode, expected) => {
    // Prepare
    const options = { isoMode };
    // Act
    const encoding = encodingForDataCoding(dataCoding, options);
    // Assess
    expect(encoding).toBe(expected);
  });
});
