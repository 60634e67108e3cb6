import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENTRIES } from '../paths.ts';
import { SmsApi } from './api.ts';
import { minVisibilitySeconds, planSessions, type SessionPlan, throughputPerTask } from './bind-limits.ts';
import { BindService, type BindServiceSmpp } from './bind-service.ts';
import { MessageStore } from './message-store.ts';
import { Network } from './network.ts';
import { NodeFunction } from './node-function.ts';
import { Operations } from './operations.ts';
import {
  ALARM_DEFAULTS,
  type AlarmOptions,
  API_DEFAULTS,
  type BindServiceSizing,
  SIZING_DEFAULTS,
  SMPP_DEFAULTS,
  type SmsSenderProps,
  withDefaults,
} from './props.ts';
import { SendQueues } from './queues.ts';
import { StatusStream } from './status-stream.ts';

// The whole sender as one construct another team can put in its own app: network with a fixed egress
// IP, tables, queues, the API, the bind-service, the status consumer, alarms and a dashboard.

export class SmsSender extends Construct {
  readonly network: Network;
  readonly store: MessageStore;
  readonly queues: SendQueues;
  readonly api: SmsApi;
  readonly apiHandler: NodeFunction;
  readonly bindService: BindService;
  readonly statusStream: StatusStream;
  readonly operations: Operations;
  /** How sessions, tasks and deployments relate for this login (bind-limits.ts). */
  readonly sessionPlan: SessionPlan;

  constructor(scope: Construct, id: string, props: SmsSenderProps) {
    super(scope, id);
    const sizing = withDefaults<Required<BindServiceSizing>>(SIZING_DEFAULTS, props.bindService);
    const smpp = resolveSmpp(props, sizing.desiredCount);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.sessionPlan = planSessions({
      systemType: smpp.systemType,
      bindsPerTask: smpp.bindsPerTask,
      desiredCount: sizing.desiredCount,
    });

    this.network = new Network(this, 'Network', {
      logRetention,
      ...(props.egressIp ? { egressIp: props.egressIp } : {}),
    });
    this.store = new MessageStore(this, 'Store');
    this.queues = new SendQueues(this, 'Queues', { minVisibilitySeconds: minVisibilitySeconds(smpp) });

    this.apiHandler = new NodeFunction(this, 'ApiHandler', {
      entry: ENTRIES.api,
      description: 'SMS sender API: validates, records and enqueues messages; reads their status',
      logRetention,
      memorySize: 512,
      timeout: Duration.seconds(15),
      // Same values as the bind-service: the 202's encoding and part count are what will be sent.
      environment: { SMPP_SYSTEM_TYPE: smpp.systemType, MAX_PARTS: String(smpp.maxParts) },
    });
    this.store.bindMessages(this.apiHandler, 'readWrite');
    this.queues.bindProducer(this.apiHandler);

    this.api = new SmsApi(this, 'Api', {
      handler: this.apiHandler,
      allowedPrincipalArns: props.api?.allowedPrincipalArns ?? [
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`,
      ],
      throttle: props.api?.throttle ?? API_DEFAULTS.throttle,
      logRetention,
    });

    const metrics = { namespace: props.metricsNamespace ?? 'SmsSender', service: Stack.of(this).stackName };
    this.bindService = new BindService(this, 'BindService', {
      vpc: this.network.vpc,
      store: this.store,
      queues: this.queues,
      smpp,
      plan: this.sessionPlan,
      desiredCount: sizing.desiredCount,
      cpu: sizing.cpu,
      memoryLimitMiB: sizing.memoryLimitMiB,
      drainSeconds: sizing.drainSeconds,
      containerInsights: sizing.containerInsights,
      logRetention,
      metrics,
    });

    this.statusStream = new StatusStream(this, 'StatusStream', {
      store: this.store,
      eventBus: props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      ...(props.callbackSigningSecret ? { callbackSigningSecret: props.callbackSigningSecret } : {}),
      logRetention,
    });

    const alarms = withDefaults<Required<AlarmOptions>>(ALARM_DEFAULTS, props.alarms);
    const { urgent, bulk } = this.queues.lanes;
    this.operations = new Operations(this, 'Operations', {
      ...metrics,
      bindsPerTask: smpp.bindsPerTask,
      deadLetterQueues: {
        UrgentDlq: urgent.deadLetterQueue,
        BulkDlq: bulk.deadLetterQueue,
        StatusStreamFailures: this.statusStream.failures,
      },
      sendQueues: {
        Urgent: { queue: urgent.queue, maxAgeSeconds: alarms.urgentMaxAgeSeconds },
        Bulk: { queue: bulk.queue, maxAgeSeconds: alarms.bulkMaxAgeSeconds },
      },
      api: this.api.restApi,
      functions: { Api: this.apiHandler, StatusStream: this.statusStream.handler },
      streamFunction: this.statusStream.handler,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
      throttledPercent: alarms.throttledPercent,
    });
  }
}

/** The bind-service's settings with defaults; `throughput` is per task (throughputPerTask). */
function resolveSmpp(props: SmsSenderProps, desiredCount: number): BindServiceSmpp {
  const smpp = props.smpp;
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
