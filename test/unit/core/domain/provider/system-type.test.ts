import { describe, expect, it } from 'vitest';
import { InvalidSystemTypeError, parseSystemType } from '#core/domain/provider/system-type.ts';

describe('parseSystemType', () => {
  it('when flags are mixed case and spaced, then they are all read', () => {
    // Act / Assess
    expect(parseSystemType(' mcon2 , Iso ,single')).toEqual({ mcon: 2, iso: true, single: true });
    expect(parseSystemType('MCON9')).toEqual({ mcon: 9, iso: false, single: false });
  });

  it('when system_type is empty or holds only commas, then no flag is set and MCON is absent', () => {
    // Act
    const empty = parseSystemType('');
    const commas = parseSystemType(' , ,');
    // Assess
    expect(empty).toEqual({ iso: false, single: false });
    expect(commas).toEqual({ iso: false, single: false });
    expect('mcon' in empty).toBe(false);
  });

  it.each([
    ['SINLGE', /unknown flag "SINLGE" \(known: MCON1-9, ISO, SINGLE\)/],
    ['ISO,mcon', /"mcon": MCONn takes n from 1 to 9/],
    ['MCON0', /"MCON0": MCONn takes n from 1 to 9/],
    ['MCON10', /"MCON10": MCONn takes n from 1 to 9/],
    ['MCON01', /"MCON01": MCONn takes n from 1 to 9/],
    ['ISO,iso', /flag ISO is given twice/],
    ['MCON2,MCON3', /flag MCON is given twice/],
  ])('when system_type is "%s", then it is refused saying why', (value, reason) => {
    // Act
    const act = () => parseSystemType(value);
    // Assess
    expect(act).toThrow(InvalidSystemTypeError);
    expect(act).toThrow(reason);
  });

  it('when read leniently, then unknown flags and bad MCONn are skipped and a repeated flag’s last value wins', () => {
    // Act
    const flags = parseSystemType('SINLGE,MCON0,MCON10,iso,MCON2,MCON4,ISO', { lenient: true });
    // Assess
    expect(flags).toEqual({ mcon: 4, iso: true, single: false });
  });
});
