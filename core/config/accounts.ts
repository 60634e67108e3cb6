import { readFileSync } from 'node:fs';
import { type Env, isGiven } from '#core/config/load-env.ts';
import { VAR } from '#core/config/variables.ts';
import {
  type AccountList,
  type AccountPolicy,
  AccountsConfigError,
  DEFAULT_ACCOUNT_NAME,
} from '#core/domain/accounts/account.ts';
import { parseAccounts } from '#core/domain/accounts/parse-accounts.ts';
import type { SystemTypeFlags } from '#core/domain/provider/system-type.ts';

// Reads the file SMPP_ACCOUNTS names, once at start, and hands it to the one parser. Without the
// variable a deployment has one account, `default`, made of today's SMPP_* variables by each reader.

/**
 * The accounts of the file SMPP_ACCOUNTS names, or of SMPP_ACCOUNTS_JSON (the same JSON inline, as
 * CDK sets it in AWS: a Lambda has no file of the deployment's own to read); undefined when neither
 * is set. Both at once are refused: one of the two would silently lose.
 */
export function accountsFromFile(env: Env): AccountList | undefined {
  const file = env[VAR.SMPP_ACCOUNTS];
  const inline = env[VAR.SMPP_ACCOUNTS_JSON];
  const hasFile = isGiven(file);
  const hasInline = isGiven(inline);
  if (hasFile && hasInline) {
    throw new AccountsConfigError(
      `Invalid ${VAR.SMPP_ACCOUNTS_JSON}: give either ${VAR.SMPP_ACCOUNTS} (a file) or ${VAR.SMPP_ACCOUNTS_JSON} (its JSON), not both`,
      [VAR.SMPP_ACCOUNTS, VAR.SMPP_ACCOUNTS_JSON],
    );
  }
  if (hasInline) return parseAccounts(inline, `(inline ${VAR.SMPP_ACCOUNTS_JSON})`);
  if (!hasFile) return undefined;
  let json: string;
  try {
    json = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new AccountsConfigError(`Invalid ${VAR.SMPP_ACCOUNTS}: cannot read ${file} (${reason})`, [
      VAR.SMPP_ACCOUNTS,
    ]);
  }
  return parseAccounts(json, file);
}

/** The one account of a deployment without SMPP_ACCOUNTS, as the API sees it: anyone may use it. */
export function defaultAccountPolicy(systemType: { value: string; flags: SystemTypeFlags }): AccountPolicy {
  return {
    name: DEFAULT_ACCOUNT_NAME,
    systemType: systemType.value,
    flags: systemType.flags,
    senders: [],
    prefixes: [],
  };
}

/**
 * Variables that describe one login: with SMPP_ACCOUNTS the file describes every login, so giving
 * one of these too would leave a reader guessing which one wins; it is refused instead.
 */
export const PER_LOGIN_VARIABLES = [
  VAR.SMPP_CONFIG_FILE,
  VAR.SMPP_HOST,
  VAR.SMPP_PORT,
  VAR.SMPP_BACKUP_HOST,
  VAR.SMPP_SYSTEM_ID,
  VAR.SMPP_PASSWORD,
  VAR.SMPP_SECRET_ARN,
  VAR.SMPP_SYSTEM_TYPE,
  VAR.SMPP_TLS,
  VAR.SMPP_TLS_CA,
  VAR.SMPP_TLS_CERT,
  VAR.SMPP_TLS_KEY,
  VAR.SMPP_TLS_SECRET_ARN,
  VAR.SMPP_TLS_SERVERNAME,
  VAR.SMPP_THROUGHPUT,
  VAR.SMPP_WINDOW,
  VAR.SMPP_BINDS,
] as const;

/** The per-login variables given alongside SMPP_ACCOUNTS (empty or blank values count as unset). */
export function perLoginVariablesGiven(env: Env): string[] {
  return PER_LOGIN_VARIABLES.filter((name) => isGiven(env[name]));
}
