// Settings that are valid but worth a line in the start-up log: the service still starts.
import type { SmppHost } from '#bind-service/smpp/index.ts';
import { SMPP_SYSTEM_TYPE_MAX_CHARS } from '#core/domain/provider/smpp-limits.ts';
import { SMSCENTRE_PORTS } from '#core/domain/provider/smsc-host.ts';
import type { BindServiceConfig } from './config.ts';
import { passwordLengthWarning } from './login/password-length.ts';

/**
 * SMPP 3.4 allows system_type 13 octets with its NUL (12 characters); "MCON2,ISO,SINGLE" has 16.
 * It is sent whole, as Kannel does (it too only warns): cutting it here would silently drop a flag.
 * The line names what a server that cuts it to 12 characters would keep. A password over SMPP 3.4's
 * 8 characters is warned about by length only (login/password-length.ts); one from Secrets Manager
 * is known only once read, and is warned about then (login/refused-login.ts).
 */
export function configWarnings(config: BindServiceConfig): string[] {
  const warnings: string[] = [];
  for (const account of config.accounts) {
    const where = config.accounts.length > 1 ? ` (account ${account.name})` : '';
    const { systemType, credentials } = account.smpp;
    if (systemType.length > SMPP_SYSTEM_TYPE_MAX_CHARS) {
      warnings.push(
        `SMPP_SYSTEM_TYPE "${systemType}"${where} has ${systemType.length} characters, more than the ` +
          `${SMPP_SYSTEM_TYPE_MAX_CHARS} SMPP 3.4 allows in system_type; it is sent whole, but a server ` +
          `that cuts it keeps only "${systemType.slice(0, SMPP_SYSTEM_TYPE_MAX_CHARS)}"`,
      );
    }
    const mismatch = smscentrePortMismatch(account.smpp.hosts, account.smpp.tls.enabled);
    if (mismatch) warnings.push(`${mismatch}${where}`);
    if (credentials.kind === 'inline') {
      const warning = passwordLengthWarning(credentials.password.length, where);
      if (warning) warnings.push(warning);
    }
  }
  return warnings;
}

/**
 * An smscentre.com host on the other mode's port: a clear bind to 3443 sends system_id and password
 * unencrypted to a TLS listener (and fails); TLS to 3700 only fails. Another host's ports are its own
 * business, so only the provider's are checked; a warning, since a port the provider moves must not
 * stop the start.
 */
function smscentrePortMismatch(hosts: readonly SmppHost[], tls: boolean): string | undefined {
  const wrongPort = tls ? SMSCENTRE_PORTS.clear : SMSCENTRE_PORTS.tls;
  const host = hosts.find((h) => /(^|\.)smscentre\.com\.?$/i.test(h.host) && h.port === wrongPort);
  if (!host) return undefined;
  return tls
    ? `SMPP_PORT ${host.port} is smscentre.com's port for SMPP without TLS, but SMPP_TLS is on (${host.host}); ` +
        `its TLS port is ${SMSCENTRE_PORTS.tls}`
    : `SMPP_PORT ${host.port} is smscentre.com's TLS port, but SMPP_TLS is off (${host.host}): the bind, ` +
        `password included, would go in clear text; set SMPP_TLS=true, or use port ${SMSCENTRE_PORTS.clear}`;
}
