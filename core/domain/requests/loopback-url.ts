import { DomainError } from '#core/domain/errors.ts';

// Kept free of dependencies: the status-stream Lambda needs this check without pulling the request
// schemas (zod, libphonenumber metadata) into its bundle.
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a callback URL points at this machine: fine in local mode, a request forgery risk in AWS. */
export function isLoopbackUrl(url: string): boolean {
  return URL.canParse(url) && isLoopbackHost(new URL(url).hostname);
}

/**
 * A host name, as the URL parser writes it (lower case), of this machine: a name's trailing dot
 * (`localhost.`, the root's) and any `*.localhost` (RFC 6761) resolve there too.
 */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  return LOOPBACK_HOSTS.has(name) || name.endsWith('.localhost');
}

/**
 * An IP literal, as the URL parser writes a host name, of this host (0/8, 127/8, ::1, ::) or its
 * link-local neighbours (169.254/16, fe80::/10), also written as IPv4-mapped IPv6: the parser writes
 * `[::ffff:127.0.0.1]` as `[::ffff:7f00:1]`, which a prefix test on the text never caught. A name is
 * not resolved here. Pure (no node:net) so that the request schemas can use it.
 */
export function isInternalAddress(hostname: string): boolean {
  if (IPV4.test(hostname)) return isInternalIpv4(hostname.split('.').map(Number));
  if (!hostname.startsWith('[')) return false;
  const units = ipv6Units(hostname.slice(1, -1));
  if (!units) return false;
  const [first = 0] = units;
  if (units.slice(0, 7).every((unit) => unit === 0)) return units[7]! <= 1;
  if ((first & 0xffc0) === 0xfe80) return true;
  const mapped = units.slice(0, 5).every((unit) => unit === 0) && units[5] === 0xffff;
  return mapped && isInternalIpv4([units[6]! >> 8, units[6]! & 0xff, units[7]! >> 8, units[7]! & 0xff]);
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

function isInternalIpv4([a, b]: number[]): boolean {
  return a === 0 || a === 127 || (a === 169 && b === 254);
}

/** The eight 16-bit units of an IPv6 address without brackets; undefined when it is none. */
function ipv6Units(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((unit) => Number.parseInt(unit, 16));
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const units = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return units.every((unit) => Number.isInteger(unit) && unit >= 0 && unit <= 0xffff) ? units : undefined;
}

/** A loopback callback URL where the callbacks are not called on loopback (the API in AWS). */
export class LoopbackCallbackError extends DomainError {
  readonly code = 'invalid_url';

  constructor() {
    super('names this host (loopback): callbacks go there only in local mode', ['callbackUrl']);
  }
}
