import { describe, expect, it } from 'vitest';
import { MalformedUdhError, splitUdh } from '#core/domain/encoding/index.ts';

describe('splitUdh', () => {
  it('when esm_class has no UDHI, then the whole message is payload even if it looks like a UDH', () => {
    // Prepare
    const message = Buffer.from([0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 0x41]);
    // Act
    const result = splitUdh(message, 0x00);
    // Assess
    expect(result).toEqual({ payload: message });
  });

  it('when the UDH is the 6-octet 8-bit concatenation element, then reference, total and index are read', () => {
    // Prepare
    const message = Buffer.from([0x05, 0x00, 0x03, 0xab, 0x03, 0x02, 0x41, 0x42]);
    // Act
    const result = splitUdh(message, 0x40);
    // Assess
    expect(result.concat).toEqual({ reference: 0xab, total: 3, index: 2 });
    expect([...result.payload]).toEqual([0x41, 0x42]);
  });

  it('when the UDH is the 16-bit concatenation element, then the 2-octet reference is read', () => {
    // Prepare
    const message = Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x04, 0x03, 0x41]);
    // Act
    const result = splitUdh(message, 0x43);
    // Assess
    expect(result.concat).toEqual({ reference: 0x1234, total: 4, index: 3 });
    expect([...result.payload]).toEqual([0x41]);
  });

  it('when another element precedes the concatenation element, then it is skipped', () => {
    // Prepare
    const message = Buffer.from([
      0x0b, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0x03, 0x07, 0x02, 0x01, 0x99,
    ]);
    // Act
    const result = splitUdh(message, 0x40);
    // Assess
    expect(result.concat).toEqual({ reference: 7, total: 2, index: 1 });
    expect([...result.payload]).toEqual([0x99]);
  });

  it('when the UDH holds no concatenation element, then only the payload is returned', () => {
    // Prepare
    const message = Buffer.from([0x04, 0x24, 0x02, 0x00, 0x01, 0x41]);
    // Act
    const result = splitUdh(message, 0x40);
    // Assess
    expect(result).toEqual({ payload: Buffer.from([0x41]) });
  });

  it('when the concatenation index is 0 or above the total, then the element is ignored', () => {
    // Prepare
    const message = Buffer.from([0x05, 0x00, 0x03, 0x01, 0x02, 0x03, 0x41]);
    // Act
    const result = splitUdh(message, 0x40);
    // Assess
    expect(result.concat).toBeUndefined();
    expect([...result.payload]).toEqual([0x41]);
  });

  it('when the UDH length overruns the message, then MalformedUdhError is thrown', () => {
    // Prepare
    const message = Buffer.from([0x09, 0x00, 0x03, 0x01]);
    // Act
    const act = () => splitUdh(message, 0x40);
    // Assess
    expect(act).toThrow(MalformedUdhError);
  });

  it('when an element overruns the UDH, then MalformedUdhError is thrown', () => {
    // Prepare
    const message = Buffer.from([0x03, 0x00, 0x03, 0x01, 0x41]);
    // Act
    const act = () => splitUdh(message, 0x40);
    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'malformed_udh' }));
  });

  it('when UDHI is set on an empty message, then the payload is empty', () => {
    // Prepare
    const message = Buffer.alloc(0);
    // Act
    const result = splitUdh(message, 0x40);
    // Assess
    expect(result).toEqual({ payload: message });
  });
});
