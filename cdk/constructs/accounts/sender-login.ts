import type { z } from 'zod';
import { MAX_PARTS_LIMIT, MAX_RESPONSE_TIMEOUT_SECONDS } from '#core/config/shared-variables.ts';
import { accountEntrySchema } from '#core/domain/accounts/account-schema.ts';
import { ConfigError } from '#core/domain/errors.ts';
import { isValidSenderId, SENDER_ID_RULE } from '#core/domain/requests/sender-id.ts';
import {
  BindLimitsError,
  minVisibilitySeconds,
  planSessions,
  type SessionPlan,
  slowestTaskThroughput,
} from '../compute/bind-limits.ts';
import type { BindServiceSmpp } from '../compute/bind-service.ts';
import { SMPP_DEFAULTS, type SmppProps, type SmsSenderProps } from '../props.ts';
import { checkTlsSettings, resolveAccounts, type SenderAccount } from './sender-accounts.ts';

// The sender's logins from its props: one (`smpp`, the `default` account, exactly as before
// accounts existed) or several (`accounts`). Each login's queue pair, alarms and dashboard row
// need its name, binds and visibility timeout; one deployment (its healthy percentages) serves every
// login.

/** What the queues and operations need of one login. */
export interface LoginSummary {
  readonly name: string;
  /** The login's sessions in the whole deployment (slots shared by the tasks; bind-limits.ts). */
  readonly binds: number;
  /** Its queue pair's shortest visibility timeout (minVisibilitySeconds). */
  readonly minVisibilitySeconds: number;
}

export type SenderLogin =
  | { readonly kind: 'single'; readonly smpp: BindServiceSmpp; readonly logins: readonly [LoginSummary] }
  | {
      readonly kind: 'accounts';
      readonly accounts: readonly SenderAccount[];
      readonly logins: readonly LoginSummary[];
      readonly responseTimeoutSeconds: number;
      readonly maxParts: number;
      /** SMPP_DEFAULT_SENDER of every account; unset, the SMSC uses each login's own. */
      readonly defaultSender?: string;
    };

/**
 * Why the bind-service and the API would refuse this SMPP_DEFAULT_SENDER at start (their shared
 * schema, core/config/shared-variables.ts), or undefined when they take it or it is unset.
 */
export function defaultSenderProblem(defaultSender: string | undefined): string | undefined {
  if (defaultSender === undefined || isValidSenderId(defaultSender)) return undefined;
  return `${SENDER_ID_RULE}, not ${JSON.stringify(defaultSender)}`;
}

/**
 * The submit settings the runtimes would refuse at start (the bind-service crash-looping until the
 * deployment rolls back, the api Lambda failing every cold start) fail the synth instead.
 */
function checkSubmitSettings(
  responseTimeoutSeconds: number,
  maxParts: number,
  defaultSender: string | undefined,
): void {
  if (!(responseTimeoutSeconds > 0 && responseTimeoutSeconds <= MAX_RESPONSE_TIMEOUT_SECONDS)) {
    throw new ConfigError(
      `SmsSender: responseTimeoutSeconds must be above 0 and at most ${MAX_RESPONSE_TIMEOUT_SECONDS} (the bind-service's SMPP_RESPONSE_TIMEOUT_SECONDS), not ${responseTimeoutSeconds}`,
    );
  }
  if (!(Number.isInteger(maxParts) && maxParts >= 1 && maxParts <= MAX_PARTS_LIMIT)) {
    throw new ConfigError(
      `SmsSender: maxParts must be a whole number from 1 to ${MAX_PARTS_LIMIT} (the encoder's limit), not ${maxParts}`,
    );
  }
  const senderProblem = defaultSenderProblem(defaultSender);
  if (senderProblem) throw new ConfigError(`SmsSender: defaultSender ${senderProblem}`);
}

/** The props' logins; throws ConfigError naming the problem (the parser's message for accounts). */
export function resolveLogin(props: SmsSenderProps): SenderLogin {
  if (props.smpp && props.accounts) {
    throw new ConfigError('SmsSender: give either smpp (one login) or accounts (several), not both');
  }
  if (props.accounts) {
    const accounts = resolveAccounts(props.accounts);
    const responseTimeoutSeconds =
      props.submit?.responseTimeoutSeconds ?? SMPP_DEFAULTS.responseTimeoutSeconds;
    const defaultSender = props.submit?.defaultSender;
    checkSubmitSettings(
      responseTimeoutSeconds,
      props.submit?.maxParts ?? SMPP_DEFAULTS.maxParts,
      defaultSender,
    );
    return {
      kind: 'accounts',
      accounts,
      logins: accounts.map((account) => ({
        name: account.name,
        binds: account.binds,
        minVisibilitySeconds: minVisibilitySeconds({
          windowSize: account.window,
          throughput: slowestTaskThroughput(account.throughput, account.binds),
          responseTimeoutSeconds,
        }),
      })),
      responseTimeoutSeconds,
      maxParts: props.submit?.maxParts ?? SMPP_DEFAULTS.maxParts,
      ...(defaultSender !== undefined ? { defaultSender } : {}),
    };
  }
  if (!props.smpp) throw new ConfigError('SmsSender: give smpp (one login) or accounts (several)');
  const smpp = resolveSmpp(props);
  checkSubmitSettings(smpp.responseTimeoutSeconds, smpp.maxParts, smpp.defaultSender);
  const visibility = minVisibilitySeconds({
    ...smpp,
    throughput: slowestTaskThroughput(smpp.throughput, smpp.binds),
  });
  return {
    kind: 'single',
    smpp,
    logins: [{ name: 'default', binds: smpp.binds, minVisibilitySeconds: visibility }],
  };
}

/** Each login planned alone (bind-limits.ts); a login whose binds exceed its MCON fails the synth. */
export function planLogins(login: SenderLogin, desiredCount: number): SessionPlan {
  if (login.kind === 'single') {
    const { smpp } = login;
    return planSessions({ systemType: smpp.systemType, binds: smpp.binds, desiredCount });
  }
  const plans = login.accounts.map((account) => {
    try {
      return planSessions({ systemType: account.systemType, binds: account.binds, desiredCount });
    } catch (error) {
      if (!(error instanceof BindLimitsError)) throw error;
      throw new BindLimitsError(`account "${account.name}": ${error.message}`, [], { cause: error });
    }
  });
  // Every login plans the same deployment (slot leases, not ECS, keep each within its MCON).
  const [first] = plans;
  if (!first) throw new ConfigError('SmsSender: accounts lists no account');
  return first;
}

/**
 * The one login's fields and the field of an SMPP_ACCOUNTS entry that takes the same value: the
 * bind-service applies the same rules to SMPP_HOST & co. (bind-service/config.ts) as the accounts
 * parser to these, so the parser's schema checks them at synth.
 */
const ENTRY_FIELD_OF = {
  host: 'host',
  backupHost: 'backupHost',
  port: 'port',
  systemType: 'systemType',
  binds: 'binds',
  windowSize: 'window',
  throughput: 'throughput',
} as const satisfies Partial<Record<keyof SmppProps, keyof typeof accountEntrySchema.shape>>;

export type CheckedSmppField = keyof typeof ENTRY_FIELD_OF;

/**
 * What the bind-service would refuse at start in the one login's settings (SMPP_HOST, SMPP_PORT,
 * SMPP_WINDOW...), by field: the task would stop at every start until the deployment's circuit
 * breaker rolls it back. Empty when it would start.
 */
export function smppProblems(
  smpp: Partial<Pick<SmppProps, CheckedSmppField>>,
): { field: CheckedSmppField; problem: string }[] {
  return (Object.keys(ENTRY_FIELD_OF) as CheckedSmppField[]).flatMap((field) => {
    const value = smpp[field];
    if (value === undefined) return [];
    const schema: z.ZodType = accountEntrySchema.shape[ENTRY_FIELD_OF[field]];
    const parsed = schema.safeParse(value);
    if (!parsed.success) return [{ field, problem: parsed.error.issues[0]?.message ?? 'is invalid' }];
    // The entry's schema trims text; SMPP_HOST is used as set, and a blank in it is refused at start.
    if (typeof value === 'string' && value.trim() !== value) {
      return [{ field, problem: 'must not start or end with blanks' }];
    }
    return [];
  });
}

/** The bind-service's settings with defaults; `throughput` is the login's whole rate. */
function resolveSmpp(props: SmsSenderProps): BindServiceSmpp {
  const smpp = props.smpp;
  if (!smpp) throw new ConfigError('SmsSender: smpp is required without accounts');
  const problems = smppProblems(smpp);
  if (problems.length > 0) {
    const listed = problems.map(({ field, problem }) => `smpp.${field}: ${problem}`);
    throw new ConfigError(`SmsSender: ${listed.join('; ')}`);
  }
  checkTlsSettings('SmsSender: smpp', smpp);
  return {
    host: smpp.host,
    ...(smpp.backupHost ? { backupHost: smpp.backupHost } : {}),
    tls: smpp.tls,
    ...(smpp.tlsClientCertificate ? { tlsClientCertificate: smpp.tlsClientCertificate } : {}),
    ...(smpp.tlsServerName ? { tlsServerName: smpp.tlsServerName } : {}),
    port: smpp.port ?? (smpp.tls ? SMPP_DEFAULTS.tlsPort : SMPP_DEFAULTS.port),
    systemType: smpp.systemType ?? SMPP_DEFAULTS.systemType,
    credentials: smpp.credentials,
    binds: smpp.binds ?? SMPP_DEFAULTS.binds,
    windowSize: smpp.windowSize ?? SMPP_DEFAULTS.windowSize,
    throughput: smpp.throughput ?? SMPP_DEFAULTS.throughput,
    responseTimeoutSeconds: smpp.responseTimeoutSeconds ?? SMPP_DEFAULTS.responseTimeoutSeconds,
    maxParts: smpp.maxParts ?? SMPP_DEFAULTS.maxParts,
    ...(smpp.defaultSender !== undefined ? { defaultSender: smpp.defaultSender } : {}),
  };
}
