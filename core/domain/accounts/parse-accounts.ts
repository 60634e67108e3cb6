import type { z } from 'zod';
import {
  type Account,
  type AccountList,
  AccountsConfigError,
  type AccountTls,
} from '#core/domain/accounts/account.ts';
import {
  type AccountEntry,
  accountEntrySchema,
  accountsFileSchema,
} from '#core/domain/accounts/account-schema.ts';
import { jsonSyntaxWhere } from '#core/domain/json-syntax.ts';

// The one parser of the SMPP_ACCOUNTS file, pure (the caller reads the file): the API, the
// bind-service and CDK all call it, so they accept and refuse the same files. Every problem is
// reported at once, each naming the file, the entry (position and name) and the field:
//   accounts.json: [1] "bulk": port: must be at most 65535; [2] "bulk": name: is used by [1] too

/** The variable that names the file, for the error's `variables`. */
const VARIABLE = 'SMPP_ACCOUNTS';

/** A valid account and its position in the file, which the messages name. */
interface Placed {
  readonly index: number;
  readonly account: Account;
}

export function parseAccounts(json: string, file: string): AccountList {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    // Never the parser's message: it quotes the text at the fault, which may be a password.
    throw fail(file, [`is not valid JSON${jsonSyntaxWhere(error, json)}`]);
  }
  const list = accountsFileSchema.safeParse(raw);
  if (!list.success) {
    throw fail(file, [`must be a JSON array of accounts (${list.error.issues[0]?.message ?? 'invalid'})`]);
  }
  const problems: string[] = [];
  // Each valid account keeps its place in the file: an invalid entry before it must not shift
  // the numbers the conflict messages give.
  const placed: Placed[] = [];
  list.data.forEach((item, index) => {
    const label = entryLabel(index, item);
    const parsed = accountEntrySchema.safeParse(item);
    if (parsed.success) placed.push({ index, account: accountOf(parsed.data) });
    else problems.push(...parsed.error.issues.map((issue) => `${label}: ${issueText(issue)}`));
  });
  problems.push(...conflicts(placed));
  const [first, ...rest] = placed.map(({ account }) => account);
  if (problems.length > 0 || first === undefined) throw fail(file, problems);
  return [first, ...rest];
}

function fail(file: string, problems: string[]): AccountsConfigError {
  return new AccountsConfigError(`Invalid ${VARIABLE} file ${file}: ${problems.join('; ')}`, [VARIABLE]);
}

function entryLabel(index: number, item: unknown): string {
  const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? `[${index}] "${name}"` : `[${index}]`;
}

function issueText(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : 'entry';
  if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: unknown field`;
  // zod says "expected string, received undefined" where a person reads "is required".
  const message = /received undefined$/.test(issue.message) ? 'is required' : issue.message;
  return `${field}: ${message}`;
}

/** Names, logins, senders and prefixes must each point at one account. */
function conflicts(placed: readonly Placed[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, Placed>();
  for (const entry of placed) {
    const { index, account } = entry;
    const keys = [
      ['name', account.name],
      // The login's slot leases are keyed by systemId: two accounts on one login bind it twice.
      ['systemId', account.login.systemId],
      ...account.senders.map((sender) => ['senders', sender]),
      ...account.prefixes.map((prefix) => ['prefixes', prefix]),
    ] as const;
    for (const [field, value] of keys) {
      const key = `${field}\u0000${value}`;
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, entry);
      else {
        problems.push(
          `[${index}] "${account.name}": ${field}: "${value}" is used by [${owner.index}] "${owner.account.name}" too`,
        );
      }
    }
  }
  return problems;
}

function accountOf(entry: AccountEntry): Account {
  const credentials =
    entry.secretArn !== undefined
      ? { kind: 'secret' as const, secretArn: entry.secretArn }
      : { kind: 'inline' as const, password: entry.password ?? '' };
  return {
    name: entry.name,
    systemType: entry.systemType.value,
    flags: entry.systemType.flags,
    senders: entry.senders,
    prefixes: entry.prefixes,
    ...(entry.principals ? { principals: entry.principals } : {}),
    login: {
      systemId: entry.systemId,
      credentials,
      hosts: [
        { host: entry.host, port: entry.port },
        ...(entry.backupHost ? [{ host: entry.backupHost, port: entry.port }] : []),
      ],
      tls: tlsOf(entry.tls),
      throughput: entry.throughput,
      window: entry.window,
      binds: entry.binds,
    },
  };
}

function tlsOf(tls: AccountEntry['tls']): AccountTls {
  if (typeof tls === 'boolean') return { enabled: tls };
  return {
    enabled: true,
    ...(tls.ca ? { caPath: tls.ca } : {}),
    ...(tls.cert ? { certPath: tls.cert } : {}),
    ...(tls.key ? { keyPath: tls.key } : {}),
    ...(tls.secretArn ? { secretArn: tls.secretArn } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
  };
}
