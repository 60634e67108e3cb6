import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { SMSCENTRE_PORTS } from '#core/domain/provider/smsc-host.ts';
import type { ApiThrottle } from './compute/api.ts';
import type { ExistingEgressIp } from './platform/network.ts';

// The public props of SmsSender: what another team sets in its own CDK app. Defaults follow the
// provider's documented example (window 300, 30 msg/s, one session per login).

export interface SmppProps {
  /** Primary host, e.g. `smpp.smscentre.com`. */
  readonly host: string;
  /** Tried when the primary fails, on the same port, e.g. `smpp2.smscentre.com`. */
  readonly backupHost?: string;
  /** TLS to the SMSC. Without it the bind's password crosses the internet in clear text. */
  readonly tls: boolean;
  /**
   * Client certificate for TLS (the provider's Kannel example: `ssl-client-certkey-file`): a secret
   * holding JSON `{ "cert": PEM, "key": PEM, "ca"?: PEM }`; `ca` is the bundle the SMSC's certificate
   * must chain to (default: the system's trust store). @default none
   */
  readonly tlsClientCertificate?: secretsmanager.ISecret;
  /** The name the SMSC's certificate must carry when it is not `host`. @default host */
  readonly tlsServerName?: string;
  /** @default 3443 with TLS, 3700 without */
  readonly port?: number;
  /** system_type sent in the bind: `MCONn` (n sessions per login), `ISO`, `SINGLE`. @default '' */
  readonly systemType?: string;
  /** Secrets Manager secret holding JSON `{ "systemId": "...", "password": "..." }`. */
  readonly credentials: secretsmanager.ISecret;
  /**
   * The login's SMPP sessions in the whole deployment, shared by the tasks as leased slots; more
   * than 1 needs MCONn (n >= binds) in systemType. @default 1
   */
  readonly binds?: number;
  /** Unanswered SUBMIT_SM per bind. @default 300 */
  readonly windowSize?: number;
  /** The account's rate in messages per second. @default 30 */
  readonly throughput?: number;
  /** Seconds before an unanswered submit becomes `unknown`. @default 30 */
  readonly responseTimeoutSeconds?: number;
  /** Parts per message at most; the API and the bind-service must agree. @default 10 */
  readonly maxParts?: number;
  /**
   * The sender (source_addr) of a message without `from` (SMPP_DEFAULT_SENDER): given to the
   * bind-service, which sends with it, and to the API, whose duplicate rule compares such a message
   * by it. A sender id the request's `from` could be (core/domain/requests/sender-id.ts), checked at
   * synth. @default none: the SMSC uses the login's own default sender
   */
  readonly defaultSender?: string;
}

/**
 * One provider login of several (docs/accounts.md): the same fields as an entry of the SMPP_ACCOUNTS
 * file, with secrets as Secrets Manager references. The first account is the default; it drains the
 * sender's original queue pair, every other account a pair of its own.
 */
export interface AccountProps {
  /** What a message names in `account`: 1-64 letters, digits, `.`, `_`, `-`; unique. */
  readonly name: string;
  /** The SMPP login (system_id, at most 15 characters). */
  readonly systemId: string;
  /** Secrets Manager secret holding JSON `{ "password": "..." }` (a `systemId` in it must be the same). */
  readonly credentials: secretsmanager.ISecret;
  readonly host: string;
  /** Tried when the primary fails, on the same port. */
  readonly backupHost?: string;
  /** @default 3443 with TLS, 3700 without */
  readonly port?: number;
  /** `MCONn`, `ISO`, `SINGLE`, comma-separated. @default '' */
  readonly systemType?: string;
  /** TLS to the SMSC. */
  readonly tls: boolean;
  /** JSON `{ "cert": PEM, "key": PEM, "ca"?: PEM }` for TLS. @default none */
  readonly tlsClientCertificate?: secretsmanager.ISecret;
  /** The name the SMSC's certificate must carry when it is not `host`. @default host */
  readonly tlsServerName?: string;
  /** The login's rate cap in msg/s. @default 30 */
  readonly throughput?: number;
  /** Unanswered SUBMIT_SM per bind. @default 300 */
  readonly window?: number;
  /** Sessions of this login; more than 1 needs MCONn with n >= binds. @default 1 */
  readonly binds?: number;
  /** Sender ids (`from`, exact) routed to this account. @default none */
  readonly senders?: readonly string[];
  /** Destination prefixes (`+44`) routed to this account. @default none */
  readonly prefixes?: readonly string[];
  /** IAM role or user ARNs allowed to use this account. @default any caller the API admits */
  readonly principals?: readonly string[];
}

/** What every account shares (with `accounts`; `smpp` carries its own). */
export interface SubmitOptions {
  /** Seconds before an unanswered submit becomes `unknown`. @default 30 */
  readonly responseTimeoutSeconds?: number;
  /** Parts per message at most; the API and the bind-service must agree. @default 10 */
  readonly maxParts?: number;
  /**
   * The sender (source_addr) of a message without `from`, whichever account sends it
   * (SMPP_DEFAULT_SENDER, read by the bind-service and the API alike); checked at synth.
   * @default none: the SMSC uses each login's own default sender
   */
  readonly defaultSender?: string;
}

export interface BindServiceSizing {
  /**
   * Tasks. They share every login's binds (slot g goes to the live task of rank g mod tasks); a
   * task beyond the binds of all logins is a standby that takes over a stopped task's slots. @default 1
   */
  readonly desiredCount?: number;
  /** Fargate CPU units. @default 256 (0.25 vCPU) */
  readonly cpu?: number;
  /** @default 512 */
  readonly memoryLimitMiB?: number;
  /** Seconds a stopping task waits for in-flight submits; the stop timeout is derived from it. @default 20 */
  readonly drainSeconds?: number;
  /** ECS Container Insights on the cluster (billed custom metrics). @default false */
  readonly containerInsights?: boolean;
}

export interface ApiOptions {
  /** IAM principal ARNs allowed to call the API. @default the deploying account (`arn:…:iam::<account>:root`) */
  readonly allowedPrincipalArns?: readonly string[];
  /** @default 50 requests/s, burst 100 */
  readonly throttle?: ApiThrottle;
  /**
   * Set the account's API Gateway CloudWatch Logs role (AWS::ApiGateway::Account), which execution
   * logging needs. One setting per account and region: turn this off when a landing zone or another
   * stack already manages it. The role and setting are retained when the stack is deleted.
   * @default true
   */
  readonly accountLogRole?: boolean;
}

export interface AlarmOptions {
  /** @default 120 */
  readonly urgentMaxAgeSeconds?: number;
  /** @default 3600: a mass mailing legitimately queues for a while */
  readonly bulkMaxAgeSeconds?: number;
  /** @default 5 */
  readonly throttledPercent?: number;
}

export interface SmsSenderProps {
  /** One login: the `default` account. Give this or `accounts`, not both. */
  readonly smpp?: SmppProps;
  /**
   * Several logins (docs/accounts.md); the first is the default. Validated at synth by the parser
   * the runtimes use (core/domain/accounts/parse-accounts.ts). Give this or `smpp`, not both.
   */
  readonly accounts?: readonly AccountProps[];
  /** Settings every account shares; used with `accounts`. @default 30 s, 10 parts, no default sender */
  readonly submit?: SubmitOptions;
  readonly bindService?: BindServiceSizing;
  readonly api?: ApiOptions;
  /** Where every alarm sends its alarm and OK notifications. @default a topic owned by the construct */
  readonly alarmTopic?: sns.ITopic;
  /** E-mail addresses subscribed to the alarm topic (each confirms by e-mail). @default none */
  readonly alarmEmails?: readonly string[];
  readonly alarms?: AlarmOptions;
  /** Where status events go. @default the account's default event bus */
  readonly eventBus?: events.IEventBus;
  /** Key for signing HTTP callbacks (a plain string). @default a generated 64-character key (`callbacks.signingSecret`) */
  readonly callbackSigningSecret?: secretsmanager.ISecret;
  /** Bring an Elastic IP already whitelisted at the SMSC. @default a new one, retained on stack deletion */
  readonly egressIp?: ExistingEgressIp;
  /** @default one year (the minimum AWS Control Tower's CT.CLOUDWATCH.PR.2 accepts) */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Customer-managed KMS key for data at rest: log groups, both tables and the owned alarm topic.
   * A key created in the same app gets the key-policy statements CloudWatch Logs and CloudWatch
   * alarms need; an imported key must already allow them (docs/deploy.md).
   * @default the services' own encryption: DynamoDB's AWS-managed key, CloudWatch Logs' keys
   */
  readonly encryptionKey?: kms.IKey;
  /** CloudWatch namespace of the bind-service's EMF metrics. @default 'SmsSender' */
  readonly metricsNamespace?: string;
}

export const SMPP_DEFAULTS = {
  port: SMSCENTRE_PORTS.clear,
  tlsPort: SMSCENTRE_PORTS.tls,
  systemType: '',
  binds: 1,
  windowSize: 300,
  throughput: 30,
  responseTimeoutSeconds: 30,
  maxParts: 10,
} as const;

export const SIZING_DEFAULTS = {
  desiredCount: 1,
  cpu: 256,
  memoryLimitMiB: 512,
  drainSeconds: 20,
  containerInsights: false,
} as const;
export const API_DEFAULTS = { throttle: { rateLimit: 50, burstLimit: 100 }, accountLogRole: true } as const;
export const ALARM_DEFAULTS = {
  urgentMaxAgeSeconds: 120,
  bulkMaxAgeSeconds: 3600,
  throttledPercent: 5,
} as const;

/** `given` over `defaults`, where a property given as `undefined` keeps its default. */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const set = Object.entries(given ?? {}).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(set) };
}
