// Which network a number belongs to, for the mccmnc TLV and HLR answers. The defaults describe a
// Russian MTS subscriber, the provider's home market.
import type { HlrRecord } from '../types.ts';

export const DEFAULT_MCCMNC_BY_PREFIX: Readonly<Record<string, string>> = { '7': '25001' };
export const DEFAULT_MCCMNC = '25001';

const NETWORK_NAMES: Readonly<Record<string, { country: string; network: string }>> = {
  '25001': { country: 'Russian Federation', network: 'MTS PJSC' },
  '25002': { country: 'Russian Federation', network: 'MegaFON open Joint Stock Company' },
  '25099': { country: 'Russian Federation', network: 'Beeline' },
};

export class NetworkLookup {
  private readonly prefixes: Array<[string, string]>;

  constructor(
    byPrefix: Readonly<Record<string, string>> = DEFAULT_MCCMNC_BY_PREFIX,
    private readonly fallback: string = DEFAULT_MCCMNC,
  ) {
    // Longest prefix first, so '7999' beats '7'.
    this.prefixes = Object.entries(byPrefix).sort((a, b) => b[0].length - a[0].length);
  }

  mccmnc(number: string): string {
    const digits = number.replace(/\D/g, '');
    for (const [prefix, mccmnc] of this.prefixes) {
      if (digits.startsWith(prefix)) return mccmnc;
    }
    return this.fallback;
  }

  hlr(number: string): HlrRecord {
    const mccmnc = this.mccmnc(number);
    const digits = number.replace(/\D/g, '');
    const names = NETWORK_NAMES[mccmnc] ?? { country: 'Unknown', network: 'Unknown' };
    return {
      imsi: (mccmnc + digits.slice(-10)).padEnd(15, '0').slice(0, 15),
      msc: '79232510066',
      mcc: mccmnc.slice(0, 3),
      mnc: mccmnc.slice(3),
      country: names.country,
      network: names.network,
    };
  }
}
