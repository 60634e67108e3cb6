import { describe, expect, it } from 'vitest';
import { addressFor, destinationAddress, InvalidAddressError } from '#bind-service/smpp/index.ts';

describe('addressFor', () => {
  it.each([
    ['SMSC.ru', { addr: 'SMSC.ru', ton: 5, npi: 0 }],
    ['Shop 24', { addr: 'Shop 24', ton: 5, npi: 0 }],
    ['79991234567', { addr: '79991234567', ton: 1, npi: 1 }],
    ['+79991234567', { addr: '79991234567', ton: 1, npi: 1 }],
  ])('when the sender is %s, then it goes as %o', (sender, expected) => {
    // Act
    const address = addressFor(sender);
    // Assess
    expect(address).toEqual(expected);
  });

  it('when overrides are given, then they replace the default TON/NPI', () => {
    // Act
    const alpha = addressFor('Brand', { alphanumeric: { ton: 5, npi: 1 } });
    const numeric = addressFor('+4915112345678', { international: { ton: 1, npi: 9 } });
    // Assess
    expect(alpha).toEqual({ addr: 'Brand', ton: 5, npi: 1 });
    expect(numeric).toEqual({ addr: '4915112345678', ton: 1, npi: 9 });
  });
});

describe('destinationAddress', () => {
  it('when given an E.164 number, then it is TON 1 NPI 1 with digits only', () => {
    // Act
    const address = destinationAddress('+79991234567');
    // Assess
    expect(address).toEqual({ addr: '79991234567', ton: 1, npi: 1 });
  });

  it('when given something that is not a number, then it throws InvalidAddressError', () => {
    // Act
    const act = () => destinationAddress('+7 999 abc');
    // Assess
    expect(act).toThrow(InvalidAddressError);
  });
});
