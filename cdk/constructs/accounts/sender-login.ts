import { ConfigError } from '#core/domain/errors.ts';
import {
  BindLimitsError,
  minVisibilitySeconds,
  planSessions,
  type SessionPlan,
  throughputPerTask,
} from '../compute/bind-limits.ts';
import type { BindServiceSmpp } from '../compute/bind-service.ts';
import { type AccountProps, SMPP_DEFAULTS, type SmsSenderProps } from '../props.ts';
import { resolveAccounts, type SenderAccount } from './sender-accounts.ts';

// The sender's logins from its props: one (`smpp`, the `default` account, exactly as before
// accounts existed) or several (`accounts`). Each login's queue pair, alarms and dashboard row
// need its name, binds and visibility timeout; the deployment strategy must suit every login.

/** What the queues and operations need of one login. */
export interface LoginSummary {
  readonly name: string;
  /** Sessions one task holds (today's meaning of binds; bind-limits.ts). */
  readonly binds: number;
  /** Its queue pair's shortest visibility timeout (minVisibilitySeconds). */
  readonly minVisibilitySeconds: number;
}

export type SenderLogin =
  | { readonly kind: 'single'; readonly smpp: BindServiceSmpp; readonly logins: readonly [LoginSummary] }
  | {
      readonly kind: 'accounts';
      readonly accounts: readonly SenderAccount[];
      /**
       * The `accounts` props with each `throughput` per task (throughputPerTask), as `smpp` has it:
       * what the bind-service is given until the login's rate is shared across tasks at run time.
       */
      readonly taskAccounts: readonly AccountProps[];
      readonly logins: readonly LoginSummary[];
      readonly responseTimeoutSeconds: number;
      readonly maxParts: number;
    };

/** The props' logins; throws ConfigError naming the problem (the parser's message for accounts). */
export function resolveLogin(props: SmsSenderProps, desiredCount: number): SenderLogin {
  if (props.smpp && props.accounts) {
    throw new ConfigError('SmsSender: give either smpp (one login) or accounts (several), not both');
  }
  if (props.accounts) {
    const accounts = resolveAccounts(props.accounts);
    const given = props.accounts;
    const taskAccounts = accounts.map((account, index) => ({
      ...(given[index] as AccountProps),
      throughput: throughputPerTask(account.throughput, desiredCount),
    }));
    const responseTimeoutSeconds =
      props.submit?.responseTimeoutSeconds ?? SMPP_DEFAULTS.responseTimeoutSeconds;
    return {
      kind: 'accounts',
      accounts,
      taskAccounts,
      logins: accounts.map((account) => ({
        name: account.name,
        binds: account.binds,
        minVisibilitySeconds: minVisibilitySeconds({
          windowSize: account.window,
          throughput: throughputPerTask(account.throughput, desiredCount),
          responseTimeoutSeconds,
        }),
      })),
      responseTimeoutSeconds,
      maxParts: props.submit?.maxParts ?? SMPP_DEFAULTS.maxParts,
    };
  }
  if (!props.smpp) throw new ConfigError('SmsSender: give smpp (one login) or accounts (several)');
  const smpp = resolveSmpp(props, desiredCount);
  return {
    kind: 'single',
    smpp,
    logins: [{ name: 'default', binds: smpp.bindsPerTask, minVisibilitySeconds: minVisibilitySeconds(smpp) }],
  };
}

/**
 * The deployment strategy every login allows: each login is planned alone (bind-limits.ts, today's
 * arithmetic), and the service starts a new task before stopping the old only if all of them allow it.
 */
export function planLogins(login: SenderLogin, desiredCount: number): SessionPlan {
  if (login.kind === 'single') {
    const { smpp } = login;
    return planSessions({ systemType: smpp.systemType, bindsPerTask: smpp.bindsPerTask, desiredCount });
  }
  const plans = login.accounts.map((account) => {
    try {
      return planSessions({ systemType: account.systemType, bindsPerTask: account.binds, desiredCount });
    } catch (error) {
      if (!(error instanceof BindLimitsError)) throw error;
      throw new BindLimitsError(`account "${account.name}": ${error.message}`, [], { cause: error });
    }
  });
  const strictest = plans.find((plan) => plan.strategy === 'stop-before-start') ?? plans[0];
  if (!strictest) throw new ConfigError('SmsSender: accounts lists no account');
  return strictest;
}

/** The bind-service's settings with defaults; `throughput` is per task (throughputPerTask). */
function resolveSmpp(props: SmsSenderProps, desiredCount: number): BindServiceSmpp {
  const smpp = props.smpp;
  if (!smpp) throw new ConfigError('SmsSender: smpp is required without accounts');
  return {
    host: smpp.host,
    ...(smpp.backupHost ? { backupHost: smpp.backupHost } : {}),
    tls: smpp.tls,
    ...(smpp.tlsClientCertificate ? { tlsClientCertificate: smpp.tlsClientCertificate } : {}),
    ...(smpp.tlsServerName ? { tlsServerName: smpp.tlsServerName } : {}),
    port: smpp.port ?? (smpp.tls ? SMPP_DEFAULTS.tlsPort : SMPP_DEFAULTS.port),
    systemType: smpp.systemType ?? SMPP_DEFAULTS.systemType,
    credentials: smpp.credentials,
    bindsPerTask: smpp.bindsPerTask ?? SMPP_DEFAULTS.bindsPerTask,
    windowSize: smpp.windowSize ?? SMPP_DEFAULTS.windowSize,
    throughput: throughputPerTask(smpp.throughput ?? SMPP_DEFAULTS.throughput, desiredCount),
    responseTimeoutSeconds: smpp.responseTimeoutSeconds ?? SMPP_DEFAULTS.responseTimeoutSeconds,
    maxParts: smpp.maxParts ?? SMPP_DEFAULTS.maxParts,
  };
}
