import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { VAR } from '#core/config/variables.ts';
import { ENTRIES } from '../paths.ts';
import { apiAccountsJson, bindServiceAccountsJson } from './accounts/sender-accounts.ts';
import { planLogins, resolveLogin, type SenderLogin } from './accounts/sender-login.ts';
import { SmsApi } from './compute/api.ts';
import type { SessionPlan } from './compute/bind-limits.ts';
import { BindService, type BindServiceLogin, defaultSenderEnvironment } from './compute/bind-service.ts';
import { NodeFunction } from './compute/node-function.ts';
import { AccountQueuePairs } from './messaging/account-queues.ts';
import { CallbackDelivery } from './messaging/callbacks.ts';
import { MessageStore } from './messaging/message-store.ts';
import { SendQueues } from './messaging/queues.ts';
import { grantRead, grantSend, type OnStatusOptions, statusRule } from './messaging/status-consumers.ts';
import { StatusStream } from './messaging/status-stream.ts';
import { Sweeper } from './messaging/sweeper.ts';
import { API_MESSAGES } from './messaging/table-access.ts';
import { alarmTopic } from './platform/alarm-topic.ts';
import { allowServiceUse } from './platform/encryption-key.ts';
import type { LogSettings } from './platform/log-group.ts';
import { Network } from './platform/network.ts';
import { Operations } from './platform/operations.ts';
import {
  type AccountProps,
  ALARM_DEFAULTS,
  type AlarmOptions,
  API_DEFAULTS,
  type BindServiceSizing,
  SIZING_DEFAULTS,
  type SmsSenderProps,
  withDefaults,
} from './props.ts';

// The whole sender as one construct another team can put in its own app: network with a fixed egress
// IP, tables, queues, the API, the bind-service, the status consumer, alarms on a topic, a dashboard.

export class SmsSender extends Construct {
  readonly network: Network;
  readonly store: MessageStore;
  /** The first (default) account's queue pair. */
  readonly queues: SendQueues;
  /** The queue pairs of the other accounts (`accounts`); none with `smpp`. */
  readonly accountQueues: AccountQueuePairs;
  readonly api: SmsApi;
  readonly apiHandler: NodeFunction;
  readonly bindService: BindService;
  readonly statusStream: StatusStream;
  readonly callbacks: CallbackDelivery;
  readonly sweeper: Sweeper;
  readonly operations: Operations;
  /** Every alarm's alarm and OK notifications go here. */
  readonly alarmTopic: sns.ITopic;
  /**
   * False when `encryptionKey` is imported: its policy must then already let CloudWatch Logs and
   * CloudWatch alarms use it (docs/deploy.md).
   */
  readonly keyPolicyManaged: boolean;
  /** How sessions, tasks and deployments relate for this login (bind-limits.ts). */
  readonly sessionPlan: SessionPlan;
  /** Where status events go (docs/events.md): the `eventBus` prop or the account's default bus. */
  readonly eventBus: events.IEventBus;

  constructor(scope: Construct, id: string, props: SmsSenderProps) {
    super(scope, id);
    const sizing = withDefaults<Required<BindServiceSizing>>(SIZING_DEFAULTS, props.bindService);
    const login = resolveLogin(props);
    // The runtimes' SMPP_ACCOUNTS_JSON is built from the props as given (the parser's defaults stay
    // the runtimes' own); resolveLogin answers `accounts` only when they are set.
    const givenAccounts = props.accounts ?? [];
    const key = props.encryptionKey;
    this.keyPolicyManaged = key ? allowServiceUse(this, key) : true;
    const logSettings: LogSettings = {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      ...(key ? { encryptionKey: key } : {}),
    };
    this.sessionPlan = planLogins(login, sizing.desiredCount);

    this.network = new Network(this, 'Network', {
      logs: logSettings,
      ...(props.egressIp ? { egressIp: props.egressIp } : {}),
    });
    this.store = new MessageStore(this, 'Store', key ? { encryptionKey: key } : {});
    const [first, ...others] = login.logins;
    this.queues = new SendQueues(this, 'Queues', { minVisibilitySeconds: first.minVisibilitySeconds });
    const pairs = others.map(
      ({ name, minVisibilitySeconds }) =>
        [name, new SendQueues(this, `Queues-${name}`, { minVisibilitySeconds })] as const,
    );
    this.accountQueues = new AccountQueuePairs(this, new Map(pairs));

    this.apiHandler = new NodeFunction(this, 'ApiHandler', {
      entry: ENTRIES.api,
      description: 'SMS sender API: validates, records and enqueues messages; reads their status',
      logs: logSettings,
      memorySize: 512,
      // Under API Gateway's 29 s; every SDK call and the batch publishing are bounded well inside it
      // (lambdas/api/deps.ts API_CLIENT_LIMITS), so a request is answered rather than cut off.
      timeout: Duration.seconds(28),
      // Same values as the bind-service: the 202's encoding and part count are what will be sent.
      environment: apiLoginEnvironment(this, login, givenAccounts),
    });
    this.store.bindMessages(this.apiHandler, API_MESSAGES);
    this.queues.bindProducer(this.apiHandler);
    this.accountQueues.bindProducer(this.apiHandler);

    this.api = new SmsApi(this, 'Api', {
      handler: this.apiHandler,
      allowedPrincipalArns: props.api?.allowedPrincipalArns ?? [
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`,
      ],
      throttle: props.api?.throttle ?? API_DEFAULTS.throttle,
      accountLogRole: props.api?.accountLogRole ?? API_DEFAULTS.accountLogRole,
      logs: logSettings,
    });

    const metrics = { namespace: props.metricsNamespace ?? 'SmsSender', service: Stack.of(this).stackName };
    this.bindService = new BindService(this, 'BindService', {
      vpc: this.network.vpc,
      store: this.store,
      queues: this.queues,
      login: bindServiceLogin(this, login, givenAccounts, this.accountQueues),
      plan: this.sessionPlan,
      desiredCount: sizing.desiredCount,
      cpu: sizing.cpu,
      memoryLimitMiB: sizing.memoryLimitMiB,
      drainSeconds: sizing.drainSeconds,
      containerInsights: sizing.containerInsights,
      logs: logSettings,
      metrics,
    });

    this.callbacks = new CallbackDelivery(this, 'Callbacks', {
      store: this.store,
      ...(props.callbackSigningSecret ? { signingSecret: props.callbackSigningSecret } : {}),
      logs: logSettings,
    });
    this.eventBus = props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.statusStream = new StatusStream(this, 'StatusStream', {
      store: this.store,
      eventBus: this.eventBus,
      callbacks: this.callbacks,
      logs: logSettings,
    });
    this.sweeper = new Sweeper(this, 'Sweeper', {
      store: this.store,
      queues: this.queues,
      accountQueues: this.accountQueues,
      ...(login.kind === 'single' ? {} : { accountsJson: apiAccountsJson(this, givenAccounts) }),
      logs: logSettings,
    });

    this.alarmTopic = alarmTopic(this, 'AlarmTopic', {
      ...(props.alarmTopic ? { topic: props.alarmTopic } : {}),
      ...(props.alarmEmails ? { emails: props.alarmEmails } : {}),
      ...(key ? { encryptionKey: key } : {}),
    });
    const alarms = withDefaults<Required<AlarmOptions>>(ALARM_DEFAULTS, props.alarms);
    const { urgent, bulk } = this.queues.lanes;
    this.operations = new Operations(this, 'Operations', {
      ...metrics,
      binds: login.logins.reduce((sum, { binds }) => sum + binds, 0),
      // One row (and alarms) per account when there are several; the rest shows the totals.
      accounts:
        others.length > 0
          ? [
              { name: first.name, binds: first.binds, queues: this.queues },
              ...pairs.map(([name, queues], index) => ({
                name,
                binds: others[index]?.binds ?? 1,
                queues,
              })),
            ]
          : [],
      deadLetterQueues: {
        UrgentDlq: urgent.deadLetterQueue,
        BulkDlq: bulk.deadLetterQueue,
        StatusStreamFailures: this.statusStream.failures,
        CallbacksDlq: this.callbacks.deadLetterQueue,
        SweeperFailures: this.sweeper.failures,
      },
      sendQueues: {
        Urgent: { queue: urgent.queue, maxAgeSeconds: alarms.urgentMaxAgeSeconds },
        Bulk: { queue: bulk.queue, maxAgeSeconds: alarms.bulkMaxAgeSeconds },
      },
      maxAgeSeconds: { urgent: alarms.urgentMaxAgeSeconds, bulk: alarms.bulkMaxAgeSeconds },
      api: this.api.restApi,
      functions: {
        Api: this.apiHandler,
        StatusStream: this.statusStream.handler,
        CallbackWorker: this.callbacks.worker,
        Sweeper: this.sweeper.handler,
      },
      streamFunction: this.statusStream.handler,
      alarmTopic: this.alarmTopic,
      throttledPercent: alarms.throttledPercent,
    });
  }

  /** An EventBridge rule sending this sender's status events (optionally some statuses/accounts) to `target`. */
  onStatus(target: events.IRuleTarget, options: OnStatusOptions = {}): events.Rule {
    return statusRule(this, this.eventBus, this.store.messages.tableArn, target, options);
  }

  /** Lets `grantee` send: execute-api:Invoke on the POST routes, sqs:SendMessage on every account's send queues. */
  grantSend(grantee: iam.IGrantable): void {
    grantSend(this.api, this.queues, grantee);
    this.accountQueues.grantProduce(grantee);
  }

  /** Lets `grantee` read messages and batches: execute-api:Invoke on the GET and HEAD routes. */
  grantRead(grantee: iam.IGrantable): void {
    grantRead(this.api, grantee);
  }
}

/**
 * The API's view of the logins: SMPP_SYSTEM_TYPE for one, SMPP_ACCOUNTS_JSON for several; and the
 * bind-service's MAX_PARTS and SMPP_DEFAULT_SENDER, so that it promises and compares what is sent.
 */
function apiLoginEnvironment(
  scope: Construct,
  login: SenderLogin,
  givenAccounts: readonly AccountProps[],
): Record<string, string> {
  if (login.kind === 'single') {
    return {
      [VAR.SMPP_SYSTEM_TYPE]: login.smpp.systemType,
      [VAR.MAX_PARTS]: String(login.smpp.maxParts),
      ...defaultSenderEnvironment(login.smpp.defaultSender),
    };
  }
  return {
    [VAR.SMPP_ACCOUNTS_JSON]: apiAccountsJson(scope, givenAccounts),
    [VAR.MAX_PARTS]: String(login.maxParts),
    ...defaultSenderEnvironment(login.defaultSender),
  };
}

function bindServiceLogin(
  scope: Construct,
  login: SenderLogin,
  givenAccounts: readonly AccountProps[],
  queuePairs: AccountQueuePairs,
): BindServiceLogin {
  if (login.kind === 'single') return { kind: 'single', smpp: login.smpp };
  return {
    kind: 'accounts',
    accounts: {
      json: bindServiceAccountsJson(scope, givenAccounts),
      secrets: login.accounts.flatMap((account) => [
        account.credentials,
        ...(account.tlsClientCertificate ? [account.tlsClientCertificate] : []),
      ]),
      ports: login.accounts.map((account) => account.port),
      responseTimeoutSeconds: login.responseTimeoutSeconds,
      maxParts: login.maxParts,
      ...(login.defaultSender !== undefined ? { defaultSender: login.defaultSender } : {}),
      queuePairs,
    },
  };
}
