import { DomainError } from '#core/domain/errors.ts';

// The provider reads session options from the bind's system_type (SPEC §2): flags separated by
// commas, case-insensitive, e.g. "MCON2,ISO,SINGLE". The bind-service, the API and the CDK stack
// read it strictly: a typo ("SINLGE") would silently change receipts or encodings, so it is refused
// before anything starts. The SMSC simulator plays the provider and reads it leniently.

export interface SystemTypeFlags {
  /** MCONn: n simultaneous sessions for this login (1..9); absent = one session per login. */
  mcon?: number;
  /** data_coding 0 means ISO-8859-1 instead of GSM 7-bit. */
  iso: boolean;
  /** One receipt and one id per part instead of one per message. */
  single: boolean;
}

/** MCONn's largest n: the most sessions a login can have at once. */
export const MAX_MCON_SESSIONS = 9;

export const KNOWN_SYSTEM_TYPE_FLAGS = 'MCON1-9, ISO, SINGLE';

export class InvalidSystemTypeError extends DomainError {
  readonly code = 'invalid_system_type';
}

type Flag =
  | { name: 'MCON'; sessions: number }
  | { name: 'ISO' | 'SINGLE' }
  | { name: 'unknown'; problem: string };

function readFlag(text: string): Flag {
  const value = text.toUpperCase();
  if (value === 'ISO' || value === 'SINGLE') return { name: value };
  const mcon = /^MCON(\d*)$/.exec(value);
  if (!mcon)
    return { name: 'unknown', problem: `unknown flag "${text}" (known: ${KNOWN_SYSTEM_TYPE_FLAGS})` };
  const digits = mcon[1] ?? '';
  if (!/^[1-9]$/.test(digits)) return { name: 'unknown', problem: `"${text}": MCONn takes n from 1 to 9` };
  return { name: 'MCON', sessions: Number(digits) };
}

export interface ParseSystemTypeOptions {
  /**
   * Skip unknown flags and bad MCONn, and let a repeated flag's last value win, as a server does
   * with what a client sends. Default false: such a value is an InvalidSystemTypeError.
   */
  lenient?: boolean;
}

/** The flags of a system_type such as " mcon2 , Iso"; '' has none. */
export function parseSystemType(systemType: string, options: ParseSystemTypeOptions = {}): SystemTypeFlags {
  const flags: SystemTypeFlags = { iso: false, single: false };
  const seen = new Set<string>();
  for (const raw of systemType.split(',')) {
    const text = raw.trim();
    if (text === '') continue;
    const flag = readFlag(text);
    if (flag.name === 'unknown') {
      if (options.lenient) continue;
      throw new InvalidSystemTypeError(flag.problem);
    }
    if (seen.has(flag.name) && !options.lenient) {
      throw new InvalidSystemTypeError(`flag ${flag.name} is given twice`);
    }
    seen.add(flag.name);
    if (flag.name === 'MCON') flags.mcon = flag.sessions;
    else if (flag.name === 'ISO') flags.iso = true;
    else flags.single = true;
  }
  return flags;
}
