import { ConfigError } from '#core/domain/errors.ts';
import type { SystemTypeFlags } from '#core/domain/provider/system-type.ts';

// One provider login of the deployment (issue 12): its connection, its limits, and the small rules
// that pick it for a message (senders, prefixes) and say who may use it (principals). The API reads
// the whole list to route and to check callers; the bind-service (one set of binds per account) and
// CDK (secrets, task sizing) read the same parsed list, so all three agree on every account.

export interface AccountHost {
  host: string;
  port: number;
}

/** Where the login's password comes from: the file itself (local mode) or Secrets Manager. */
export type AccountCredentials =
  | { kind: 'inline'; password: string }
  /** A JSON secret `{ "password" }` (optionally with the same `systemId`), read at start, never logged. */
  | { kind: 'secret'; secretArn: string };

/** TLS to the SMSC for this login; the server certificate is always verified. */
export interface AccountTls {
  enabled: boolean;
  /** PEM CA bundle the server's certificate must chain to (local mode); absent = the system's trust store. */
  caPath?: string;
  /** PEM client certificate and its key, both or neither (local mode). */
  certPath?: string;
  keyPath?: string;
  /** JSON `{ "cert": PEM, "key": PEM, "ca"?: PEM }`, read once at start, never logged. */
  secretArn?: string;
  /** The name the server's certificate must carry, when it is not the host connected to. */
  servername?: string;
}

/** What the bind-service needs to hold this login's sessions. */
export interface AccountLogin {
  systemId: string;
  credentials: AccountCredentials;
  /** Primary first, then the backup host on the same port. */
  hosts: AccountHost[];
  tls: AccountTls;
  /** The login's rate cap in msg/s (provider default 30), shared by every bind of the login in every task. */
  throughput: number;
  /** Unanswered SUBMIT_SM per bind. */
  window: number;
  /** Sessions of this login in the whole deployment (its slots, shared by the tasks): at most its MCONn. */
  binds: number;
}

/** What the API needs of an account: its name, how messages are prepared for it, routing, callers. */
export interface AccountPolicy {
  /** What a message names in its `account` field. */
  name: string;
  /** Sent verbatim in the bind; its ISO flag changes how the API plans encodings for this account. */
  systemType: string;
  flags: SystemTypeFlags;
  /** Exact sender ids (`from`) routed to this account when a message names none. */
  senders: string[];
  /** Destination prefixes ("+7", "+4420") routed to this account; the longest matching one wins. */
  prefixes: string[];
  /**
   * IAM principals (role or user ARNs) allowed to send through this account; absent = any caller
   * the API lets in.
   */
  principals?: string[];
}

export interface Account extends AccountPolicy {
  login: AccountLogin;
}

/** The accounts in the file's order; the first is the default account. Never empty. */
export type AccountList<A extends AccountPolicy = Account> = readonly [A, ...A[]];

/** The name of the one account a deployment has without SMPP_ACCOUNTS. */
export const DEFAULT_ACCOUNT_NAME = 'default';

/** SMPP_ACCOUNTS names a file that is missing, not JSON or breaks a rule; the message says where. */
export class AccountsConfigError extends ConfigError {
  override readonly code = 'accounts_invalid';
}
