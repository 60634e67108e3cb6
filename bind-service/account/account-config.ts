// One provider login as the bind-service runs it: where and how it binds, its rate and window, and
// the queue pair its messages wait in. Several accounts run side by side in one task, each with
// sessions, a rate limiter and lanes of its own, so one login's trouble never slows another.
import type { SmppHost, SourceAddressRules } from '#bind-service/smpp/index.ts';
import type { AccountPolicy } from '#core/domain/accounts/account.ts';
import type { SystemTypeFlags } from '#core/domain/provider/system-type.ts';
import type { SmscIdBase } from '#core/domain/receipts/smsc-id.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { TlsConfig } from '../tls-config.ts';

/** Where the SMPP login comes from: inline variables (local mode) or a Secrets Manager secret. */
export type SmppCredentialsSource =
  | { kind: 'inline'; systemId: string; password: string }
  /**
   * A JSON secret `{ "password": "..." }`, read once at start, never logged. With `systemId` (the
   * accounts file, SMPP_SYSTEM_ID) that login binds and a systemId in the secret must be the same;
   * without it the secret must hold `systemId` too.
   */
  | { kind: 'secret'; secretArn: string; systemId?: string };

export interface SmppSettings {
  /** Primary first, then the backup host on the same port. */
  hosts: SmppHost[];
  credentials: SmppCredentialsSource;
  /** Sent verbatim in the bind. */
  systemType: string;
  flags: SystemTypeFlags;
  /** Paths (local) or a secret (AWS) for the CA bundle and client certificate; verification is on. */
  tls: TlsConfig;
  /** The login's rate cap in msg/s over all tasks (provider default 30); a task runs at its share. */
  throughput: number;
  /** Unanswered SUBMIT_SM per bind (provider example 300; 1000-2000 advised for mass mailings). */
  windowSize: number;
  /** The login's sessions (slots) in the whole deployment; > 1 only with MCONn, n >= binds. */
  binds: number;
  /** < the provider's 120 s idle limit. */
  enquireLinkIntervalMs: number;
  /** A submit unanswered this long becomes `unknown` (never resent). */
  responseTimeoutMs: number;
  /** After a refused login: how often the secret is read again for a changed password. */
  loginRecheckMs: number;
  /** Every part of a long message goes out within this of the first, or is not sent at all. */
  partsWindowMs: number;
  /** source_addr for requests without `from`; absent = empty (the account's default sender). */
  defaultSender?: string;
  /**
   * The base the SMSC writes message ids in, in SUBMIT_SM_RESP and receipts alike (the provider:
   * decimal). Ids are compared as numbers in it, never guessed per id (core/domain/receipts/smsc-id.ts).
   */
  messageIdBase: SmscIdBase;
  /** How a sender becomes source_addr/TON/NPI (Kannel's autodetect; the provider's 5 / 1). */
  sourceAddress: SourceAddressRules;
  /** For SMSCs that mark receipts neither in esm_class nor by TLVs: read the text. Default off. */
  receiptTextFallback: boolean;
}

export type AccountQueues = Record<Priority, { url: string; dlqUrl: string }>;

/**
 * A login with its routing rules (AccountPolicy: `name` is what a message's `account` field names;
 * `default` for the one-login setup), its session settings and its own queue pair.
 */
export interface AccountConfig extends AccountPolicy {
  smpp: SmppSettings;
  queues: AccountQueues;
}
