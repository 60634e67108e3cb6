import { DomainError } from '#core/domain/errors.ts';

// E-mail messages (kind "mail") are addressed to an e-mail address: the provider's e-mail error table
// speaks of "the recipient's e-mail address". We check a sane common syntax (what mail providers
// accept), not the full RFC 5322 grammar: quoted local parts and IP-literal domains are refused.

const MAX_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

export class InvalidEmailAddressError extends DomainError {
  readonly code = 'invalid_email_address';

  constructor(input: string, path: readonly (string | number)[] = ['to']) {
    super(`${JSON.stringify(input)} is not a valid e-mail address`, path);
  }
}

/** The address trimmed, with its domain in lower case (domains are case-insensitive, local parts not). */
export function normaliseEmailAddress(input: string, path: readonly (string | number)[] = ['to']): string {
  const address = input.trim();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  const valid =
    at > 0 &&
    address.length <= MAX_LENGTH &&
    local.length <= MAX_LOCAL_LENGTH &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    TOP_LEVEL_DOMAIN.test(labels.at(-1) ?? '');
  if (!valid) throw new InvalidEmailAddressError(input, path);
  return `${local}@${domain}`;
}

/** For logs: the first character of the local part, then the domain: "j***@example.com". */
export function maskEmailAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}
