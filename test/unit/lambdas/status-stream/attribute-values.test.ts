import { describe, expect, it } from 'vitest';
import { fromStreamImage } from '#lambdas/status-stream/attribute-values.ts';

describe('fromStreamImage', () => {
  it('when an image holds every attribute type, then each becomes its plain value', () => {
    // Prepare
    const image = {
      s: { S: 'text' },
      n: { N: '42' },
      bool: { BOOL: true },
      nothing: { NULL: true },
      map: { M: { inner: { S: 'x' } } },
      list: { L: [{ N: '1' }, { S: 'two' }] },
      strings: { SS: ['a', 'b'] },
      numbers: { NS: ['1', '2'] },
      binary: { B: Buffer.from('hi').toString('base64') },
    };
    // Act
    const item = fromStreamImage(image);
    // Assess
    expect(item).toEqual({
      s: 'text',
      n: 42,
      bool: true,
      nothing: null,
      map: { inner: 'x' },
      list: [1, 'two'],
      strings: new Set(['a', 'b']),
      numbers: new Set([1, 2]),
      binary: Buffer.from('hi'),
    });
  });

  it('when a value has a type this code does not know, then the attribute is left undefined', () => {
    // Prepare
    const image = { future: {} };
    // Act
    const item = fromStreamImage(image);
    // Assess
    expect(item.future).toBeUndefined();
  });
});
