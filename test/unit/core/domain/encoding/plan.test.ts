import { describe, expect, it } from 'vitest';
import { type EncodeOptions, encodeMessage, planMessage } from '#core/domain/encoding/index.ts';

const CASES: readonly (readonly [string, EncodeOptions])[] = [
  ['Hello', {}],
  ['a'.repeat(160), {}],
  ['a'.repeat(161), { flash: true }],
  [`${'a'.repeat(152)}€${'b'.repeat(200)}`, {}],
  ['€'.repeat(400), {}],
  ['я'.repeat(70), {}],
  ['я'.repeat(71), {}],
  [`${'я'.repeat(66)}😀`.repeat(5), {}],
  ['😀'.repeat(36), {}],
  ['ç'.repeat(141), { encoding: 'latin1' }],
  ['ç'.repeat(500), { isoMode: true }],
  ['Hello', { encoding: 'ucs2' }],
  ['x'.repeat(3000), { maxParts: 20 }],
];

describe('planMessage', () => {
  it.each(CASES)('when %j is planned, then the plan matches what encodeMessage builds', (text, options) => {
    // Prepare
    const encoded = encodeMessage(text, options);
    // Act
    const plan = planMessage(text, options);
    // Assess
    expect(plan).toEqual({
      encoding: encoded.encoding,
      dataCoding: encoded.dataCoding,
      parts: encoded.parts.length,
      units: encoded.units,
    });
  });
});
