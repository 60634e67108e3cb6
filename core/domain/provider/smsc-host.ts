import { z } from 'zod';

// What an SMSC host setting may hold (SMPP_HOST, SMPP_BACKUP_HOST, an account's host/backupHost).
// The SMPP engine hands the host as it is to net.connect / tls.connect, with the port given apart.
// "smpp2.smscentre.com:3700" (the usual way to write an address) or "smpp://…" would then be looked
// up as a name and fail only when it is dialled: for a backup host, when the primary fails, so the
// failover the operator configured silently cannot work. So the value must be a bare host.

/**
 * A DNS name: dot-separated labels of 1-63 letters, digits, "-" or "_" (not at either end of a
 * label), 253 characters at most, an optional final dot. "_" is not RFC 1123, but resolvers (and
 * container networks) answer for such names, and refusing one would stop a working config.
 */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * An IP address as net.connect takes it: IPv4, or IPv6 written bare ("2001:db8::1", never in
 * brackets). core/domain cannot import node:net's isIP; zod's formats check the same forms.
 */
const ipAddress = z.union([z.ipv4(), z.ipv6()]);

/** True when `value` is a host name or an IP address and nothing else (no port, scheme, path, space). */
export function isSmscHost(value: string): boolean {
  return HOST_NAME.test(value) || ipAddress.safeParse(value).success;
}

/**
 * The provider's ports (seed: SMPP on 3700, over TLS on 3443): the bind-service's and the CDK's
 * defaults, and what a start-up warning checks an smscentre.com host's port and TLS setting by.
 */
export const SMSCENTRE_PORTS = { clear: 3700, tls: 3443 } as const;

/** Why a host was refused; the caller adds where the port goes (SMPP_PORT, or the entry's "port"). */
export const SMSC_HOST_RULE = 'must be a host name or IP address alone (no ":port", scheme, path or spaces)';
