import type { VariableName } from '#core/config/variables.ts';
import { DEFAULT_VALIDITY_MINUTES } from '#core/domain/requests/message-schema.ts';

// What each key of a Kannel `group = smsc` block means here. A key either sets environment variables
// (then the variable's own schema checks the value, exactly as if it came from the environment), or
// states something this service always does (accepted only at the value that says so), or is
// Kannel's own bookkeeping (ignored). Any other Kannel key is refused by name, and anything else as
// unknown: a setting that silently does nothing is worse than one that stops the start.

export type KeyRule =
  /** Sets these variables to the value (converted when Kannel writes it differently). */
  | {
      kind: 'sets';
      variables: readonly VariableName[];
      secret?: boolean;
      convert?: (value: string) => string;
    }
  /** What we always do, written `expected`; any other value is refused with `why`. */
  | { kind: 'fixed'; expected: string; accepts: (value: string) => boolean; why: string }
  /** Kannel's own naming of the block; nothing here depends on it. */
  | { kind: 'ignored' };

const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

/** Kannel's booleans (true/yes/on/1) as the `flag` schema reads them; anything else is left to it. */
export function kannelBoolean(value: string): string {
  const lower = value.toLowerCase();
  if (TRUE.includes(lower)) return 'true';
  if (FALSE.includes(lower)) return 'false';
  return value;
}

const sets = (...variables: VariableName[]): KeyRule => ({ kind: 'sets', variables });
const boolean = (variable: VariableName): KeyRule => ({
  kind: 'sets',
  variables: [variable],
  convert: kannelBoolean,
});
const numberIs = (expected: number) => (value: string) => value.trim() !== '' && Number(value) === expected;
const is = (expected: string) => (value: string) => value === expected;

export const BLOCK_KEYS: Readonly<Record<string, KeyRule>> = {
  group: { kind: 'fixed', expected: 'smsc', accepts: is('smsc'), why: 'only a `group = smsc` block is read' },
  smsc: { kind: 'fixed', expected: 'smpp', accepts: is('smpp'), why: 'only the SMPP driver is supported' },
  'smsc-id': { kind: 'ignored' },
  'smsc-admin-id': { kind: 'ignored' },
  host: sets('SMPP_HOST'),
  port: sets('SMPP_PORT'),
  'smsc-username': sets('SMPP_SYSTEM_ID'),
  'smsc-password': { kind: 'sets', variables: ['SMPP_PASSWORD'], secret: true },
  'system-type': sets('SMPP_SYSTEM_TYPE'),
  'interface-version': {
    kind: 'fixed',
    expected: '34',
    accepts: (value) => value === '34' || value.toLowerCase() === '0x34',
    why: 'the bind-service speaks SMPP 3.4 only (interface-version = 34)',
  },
  'source-addr-autodetect': boolean('SMPP_SOURCE_ADDR_AUTODETECT'),
  'source-addr-ton': sets('SMPP_SOURCE_ADDR_TON'),
  'source-addr-npi': sets('SMPP_SOURCE_ADDR_NPI'),
  // Recipients are E.164 numbers (the request schema), always sent as international / ISDN.
  'dest-addr-ton': {
    kind: 'fixed',
    expected: '1',
    accepts: numberIs(1),
    why: 'recipients are E.164 numbers, always sent with TON 1',
  },
  'dest-addr-npi': {
    kind: 'fixed',
    expected: '1',
    accepts: numberIs(1),
    why: 'recipients are E.164 numbers, always sent with NPI 1',
  },
  // The API fills the validity in when a request gives none; the bind-service cannot change it.
  validityperiod: {
    kind: 'fixed',
    expected: String(DEFAULT_VALIDITY_MINUTES),
    accepts: numberIs(DEFAULT_VALIDITY_MINUTES),
    why: `the default validity is ${DEFAULT_VALIDITY_MINUTES} minutes; give another per request (validityMinutes)`,
  },
  'transceiver-mode': {
    kind: 'fixed',
    expected: 'true',
    accepts: (value) => kannelBoolean(value) === 'true',
    why: 'the bind-service binds as a transceiver only (transceiver-mode = true)',
  },
  'receive-port': {
    kind: 'fixed',
    expected: '0',
    accepts: numberIs(0),
    why: 'a separate receiver bind is not supported: receipts arrive on the transceiver (receive-port = 0)',
  },
  // 0x00, Kannel's default, reconnects; we never resend an unanswered submit (it becomes `unknown`).
  'wait-ack-expire': {
    kind: 'fixed',
    expected: '0',
    accepts: numberIs(0),
    why: 'an unanswered submit becomes `unknown` and is never resent, so only wait-ack-expire = 0 is accepted',
  },
  'enquire-link-interval': sets('SMPP_ENQUIRE_LINK_SECONDS'),
  'max-pending-submits': sets('SMPP_WINDOW'),
  throughput: sets('SMPP_THROUGHPUT'),
  'use-ssl': boolean('SMPP_TLS'),
  // Kannel's one PEM holding certificate and key; Node reads each part from the same file.
  'ssl-client-certkey-file': sets('SMPP_TLS_CERT', 'SMPP_TLS_KEY'),
  // Kannel: 0x00 both ids decimal, 0x03 both hex; the mixed ones (0x01, 0x02) are not supported.
  'msg-id-type': {
    kind: 'sets',
    variables: ['SMPP_MESSAGE_ID_BASE'],
    convert: (value) => ({ '0': 'decimal', '3': 'hex' })[String(Number(value))] ?? `msg-id-type ${value}`,
  },
};

/** Kannel `group = smsc` keys of the SMPP driver this service does not offer. */
export const UNSUPPORTED_KANNEL_KEYS: readonly string[] = [
  'address-range',
  'allowed-smsc-id',
  'alt-charset',
  'alt-dcs',
  'bind-addr-npi',
  'bind-addr-ton',
  'connection-timeout',
  'denied-smsc-id',
  'esm-class',
  'log-file',
  'log-level',
  'max-sms-octets',
  'our-host',
  'preferred-smsc-id',
  'priority',
  'reconnect-delay',
  'reroute',
  'service-type',
  'ssl-server-cert-file',
  'ssl-server-key-file',
  'wait-ack',
  'include',
];
