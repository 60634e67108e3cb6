import { describe, expect, it } from 'vitest';
import { addressFor, destinationAddress, InvalidAddressError } from '#bind-service/smpp/index.ts';

describe('addressFor', () => {
  it.each([
    ['SMSC.ru', { addr: 'SMSC.ru', ton: 5, npi: 0 }],
    ['Shop 24', { addr: 'Shop 24', ton: 5, npi: 0 }],
    ['1234', { addr: '1234', ton: 5, npi: 1 }],
    ['79991234567', { addr: '79991234567', ton: 5, npi: 1 }],
    ['+79991234567', { addr: '79991234567', ton: 1, npi: 1 }],
    ['', { addr: '', ton: 0, npi: 0 }],
  ])('when the sender is "%s" under the provider example rules, then it goes as %o', (sender, expected) => {
    // Act
    const address = addressFor(sender);
    // Assess
    expect(address).toEqual(expected);
  });

  it('when other TON/NPI are configured, then plain digits take both and "+" digits take the NPI', () => {
    // Prepare
    const rules = { autodetect: true, ton: 2, npi: 9 };
    // Act
    const plain = addressFor('1234', rules);
    const plus = addressFor('+4915112345678', rules);
    const alpha = addressFor('Brand', rules);
    // Assess
    expect(plain).toEqual({ addr: '1234', ton: 2, npi: 9 });
    expect(plus).toEqual({ addr: '4915112345678', ton: 1, npi: 9 });
    expect(alpha).toEqual({ addr: 'Brand', ton: 5, npi: 0 });
  });

  it('when autodetect is off, then every sender goes verbatim with the configured TON/NPI', () => {
    // Act
    const address = addressFor('+79991234567', { autodetect: false, ton: 5, npi: 1 });
    // Assess
    expect(address).toEqual({ addr: '+79991234567', ton: 5, npi: 1 });
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
