import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueuePair } from '#core/config/account-queues.ts';
import { VAR } from '#core/config/variables.ts';
import type { AccountList } from '#core/domain/accounts/account.ts';
import { createQueues } from '#local/resources.ts';
import { type SimulatorAccount, type SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import { DEFAULT_RECEIPT_DELAY_MS, type SmppTarget } from '#local/stack-config.ts';

// `npm start` with SMPP_ACCOUNTS (issue 12): the embedded simulator knows every account's login and
// rate, and the components read a copy of the file with every login pointed at it (its port is
// picked when it starts). The user's file is never written to.

/** The simulator's accounts: each login with its password and its rate. */
export function simulatorAccountsOf(accounts: AccountList): SimulatorAccount[] {
  return accounts.map((account) => {
    const { credentials, systemId, throughput } = account.login;
    if (credentials.kind !== 'inline') {
      throw new Error(
        `SMPP_ACCOUNTS: account "${account.name}" gives a secretArn; locally the embedded simulator needs its "password"`,
      );
    }
    return { systemId, password: credentials.password, rate: throughput };
  });
}

export interface SimulatorAccountsFile {
  file: string;
  remove(): void;
}

/** A copy of `file` whose every login is the simulator at host:port, without backup host or TLS. */
export function pointAtSimulator(file: string, host: string, port: number): SimulatorAccountsFile {
  // Accounts but no file: they came inline, which is CDK's form for AWS; locally a copy is made.
  if (file === '')
    throw new Error(`${VAR.SMPP_ACCOUNTS_JSON} is for AWS; npm start reads ${VAR.SMPP_ACCOUNTS}`);
  const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
  const local = entries.map(({ backupHost: _backup, tls: _tls, ...entry }) => ({ ...entry, host, port }));
  const dir = mkdtempSync(join(tmpdir(), 'smpp-accounts-'));
  const copy = join(dir, 'accounts.json');
  writeFileSync(copy, JSON.stringify(local, null, 2));
  return { file: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The embedded simulator with every account's login; the first account's is the one shown. */
export async function startAccountsSimulator(
  accounts: AccountList,
  overrides: Partial<SimulatorOptions> | undefined,
): Promise<{ simulator: SmscSimulator; smpp: SmppTarget }> {
  const simulator = new SmscSimulator({
    accounts: simulatorAccountsOf(accounts),
    receiptDelayMs: DEFAULT_RECEIPT_DELAY_MS,
    ...overrides,
  });
  const port = await simulator.listen(0);
  const [first] = simulatorAccountsOf(accounts);
  return {
    simulator,
    smpp: {
      simulated: true,
      host: '127.0.0.1',
      port,
      systemId: first?.systemId ?? '',
      password: first?.password ?? '',
      throughput: accounts[0].login.throughput,
    },
  };
}

/**
 * A queue pair of its own for every account but the first (the first uses the stack's), by account:
 * as JSON, the ACCOUNT_QUEUES value the API, the sweeper and the bind-service read. Undefined with
 * one account.
 */
export async function createAccountQueues(
  accounts: AccountList,
  sqsEndpoint: string,
  prefix: string,
): Promise<Record<string, QueuePair> | undefined> {
  const others = accounts.slice(1);
  if (others.length === 0) return undefined;
  const pairs = await Promise.all(
    others.map(async (account) => {
      const queues = await createQueues({ endpoint: sqsEndpoint, prefix: `${prefix}-${account.name}` });
      const { urgent, bulk, urgentDlq, bulkDlq } = queues;
      return [account.name, { urgent, bulk, urgentDlq, bulkDlq }] as const;
    }),
  );
  return Object.fromEntries(pairs);
}
