import { describe, expect, it } from 'vitest';
import { encodeBinary, InvalidBinaryError, parseBinary, planBinary } from '#core/domain/encoding/index.ts';
import { domainErrorOf } from '../support.ts';

const PORTS_UDH = '0605040B8423F0';

describe('binary messages', () => {
  it('when 140 octets come without a UDH, then they are one part sent as they are', () => {
    // Prepare
    const content = parseBinary('ab'.repeat(140));
    // Act
    const encoded = encodeBinary(content, 10);
    // Assess
    expect(encoded).toEqual({ dataCoding: 4, esmClass: 0, parts: [Buffer.alloc(140, 0xab)] });
  });

  it('when 141 octets come without a UDH, then they are two concatenated parts of 134 and 7', () => {
    // Prepare
    const content = parseBinary('01'.repeat(141));
    // Act
    const encoded = encodeBinary(content, 10, 9);
    // Assess
    expect(encoded.esmClass).toBe(0x40);
    expect(encoded.parts.map((part) => part.length)).toEqual([140, 13]);
    expect(encoded.parts[1]?.subarray(0, 6)).toEqual(Buffer.from([5, 0, 3, 9, 2, 2]));
  });

  it('when a port UDH comes with a long payload, then every part carries the ports and the concatenation', () => {
    // Prepare
    const content = parseBinary('cd'.repeat(200), PORTS_UDH);
    // Act
    const plan = planBinary(content, 10);
    const encoded = encodeBinary(content, 10, 7);
    // Assess
    expect(plan).toEqual({ parts: 2, units: 200 });
    const header = (index: number) => Buffer.from([0x0b, 5, 4, 0x0b, 0x84, 0x23, 0xf0, 0, 3, 7, 2, index]);
    expect(encoded.parts[0]).toEqual(Buffer.concat([header(1), Buffer.alloc(128, 0xcd)]));
    expect(encoded.parts[1]).toEqual(Buffer.concat([header(2), Buffer.alloc(72, 0xcd)]));
    expect(encoded.parts.every((part) => part.length <= 140)).toBe(true);
  });

  it('when a port UDH and its payload fit 140 octets, then they are one part with the UDH flag', () => {
    // Prepare
    const content = parseBinary('ee'.repeat(133), PORTS_UDH);
    // Act
    const encoded = encodeBinary(content, 10);
    // Assess
    expect(encoded.esmClass).toBe(0x40);
    expect(encoded.parts).toEqual([Buffer.concat([Buffer.from(PORTS_UDH, 'hex'), Buffer.alloc(133, 0xee)])]);
  });

  it.each([
    ['payload not hex', 'zz', undefined, ['text']],
    ['payload of odd length', 'abc', undefined, ['text']],
    ['UDHL not matching', 'ab', '0705040B8423F0', ['udh']],
    ['element overrunning the UDH', 'ab', '0305040B', ['udh']],
    ['a concatenation element', 'ab', '050003010201', ['udh']],
  ])('when the input has %s, then it is invalid_binary at its field', (_, payload, udh, path) => {
    // Act
    const error = domainErrorOf(() => parseBinary(payload, udh));
    // Assess
    expect(error).toBeInstanceOf(InvalidBinaryError);
    expect(error.path).toEqual(path);
  });

  it('when the payload needs more parts than allowed, then it is too_many_parts', () => {
    // Prepare
    const content = parseBinary('00'.repeat(134 * 3 + 1));
    // Act
    const error = domainErrorOf(() => planBinary(content, 3));
    // Assess
    expect(error.code).toBe('too_many_parts');
  });
});
