// Settings that are valid but worth a line in the start-up log: the service still starts.
import { SMPP_SYSTEM_TYPE_MAX_CHARS } from '#core/domain/provider/smpp-limits.ts';
import type { BindServiceConfig } from './config.ts';

/**
 * SMPP 3.4 allows system_type 13 octets with its NUL (12 characters); "MCON2,ISO,SINGLE" has 16.
 * It is sent whole, as Kannel does (it too only warns): cutting it here would silently drop a flag.
 * The line names what a server that cuts it to 12 characters would keep.
 */
export function configWarnings(config: BindServiceConfig): string[] {
  const warnings: string[] = [];
  for (const account of config.accounts) {
    const systemType = account.smpp.systemType;
    if (systemType.length <= SMPP_SYSTEM_TYPE_MAX_CHARS) continue;
    const where = config.accounts.length > 1 ? ` (account ${account.name})` : '';
    warnings.push(
      `SMPP_SYSTEM_TYPE "${systemType}"${where} has ${systemType.length} characters, more than the ` +
        `${SMPP_SYSTEM_TYPE_MAX_CHARS} SMPP 3.4 allows in system_type; it is sent whole, but a server ` +
        `that cuts it keeps only "${systemType.slice(0, SMPP_SYSTEM_TYPE_MAX_CHARS)}"`,
    );
  }
  return warnings;
}
