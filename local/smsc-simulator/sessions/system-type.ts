// The provider reads session options from bind's system_type: comma-separated, case-insensitive.

export interface SystemTypeFlags {
  /** Simultaneous sessions the login allows (MCONn), 1 without the flag. */
  maxSessions: number;
  /** data_coding 0 means ISO-8859-1 instead of GSM. */
  iso: boolean;
  /** One id and one receipt per part instead of per whole message. */
  single: boolean;
}

export function parseSystemType(systemType: string): SystemTypeFlags {
  const flags: SystemTypeFlags = { maxSessions: 1, iso: false, single: false };
  for (const raw of systemType.split(',')) {
    const flag = raw.trim().toUpperCase();
    const mcon = /^MCON([1-9])$/.exec(flag);
    if (mcon) flags.maxSessions = Number(mcon[1]);
    else if (flag === 'ISO') flags.iso = true;
    else if (flag === 'SINGLE') flags.single = true;
  }
  return flags;
}
