import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { VAR } from '#core/config/variables.ts';
import { ENTRIES, PROJECT_ROOT } from '../../paths.ts';
import type { AccountQueuePairs } from '../messaging/account-queues.ts';
import { bindSecretArn, type ResourceConsumer } from '../messaging/consumer.ts';
import type { MessageStore } from '../messaging/message-store.ts';
import type { SendQueues } from '../messaging/queues.ts';
import { BIND_SERVICE_INBOUND, BIND_SERVICE_MESSAGES } from '../messaging/table-access.ts';
import { waiveControl } from '../platform/controls.ts';
import { createLogGroup, type LogSettings } from '../platform/log-group.ts';
import { type SessionPlan, stopTimeoutSeconds } from './bind-limits.ts';
import { bindServiceNodeOptions } from './node-heap.ts';

// The always-on bind-service (bind-service/main.ts) on Fargate ARM64 in the private subnets: its SMPP
// connections leave through the NAT's fixed IP. Deployments follow the session plan so that two
// tasks never hold more sessions of one login than the provider allows (bind-limits.ts).

/** Where and how a login binds, defaults applied: the single login's, or one account's (SenderAccount). */
export interface SmppEndpoint {
  readonly host: string;
  readonly backupHost?: string;
  readonly port: number;
  readonly tls: boolean;
  /** JSON `{ "cert": PEM, "key": PEM, "ca"?: PEM }` (SmppProps.tlsClientCertificate). */
  readonly tlsClientCertificate?: secretsmanager.ISecret;
  readonly tlsServerName?: string;
  readonly systemType: string;
  /** The login: JSON `{ "systemId": "...", "password": "..." }` (an account's may hold the password alone). */
  readonly credentials: secretsmanager.ISecret;
}

export interface BindServiceSmpp extends SmppEndpoint {
  /** The login's sessions in the whole deployment (<= MCON); the tasks share them as leased slots. */
  readonly binds: number;
  readonly windowSize: number;
  /** The login's rate; each task sends its share, by the slots it holds. */
  readonly throughput: number;
  readonly responseTimeoutSeconds: number;
  readonly maxParts: number;
  /** SMPP_DEFAULT_SENDER: the source_addr of a message without `from`. @default the login's own */
  readonly defaultSender?: string;
}

/** Several logins (SmsSenderProps.accounts): the service reads them from SMPP_ACCOUNTS_JSON. */
export interface BindServiceAccounts {
  /** SMPP_ACCOUNTS_JSON: every account's entry, secrets as ARNs only. */
  readonly json: string;
  /** The accounts' login and TLS client certificate secrets: the task reads each at start. */
  readonly secrets: readonly secretsmanager.ISecret[];
  /** Every account's SMSC port (egress rules). */
  readonly ports: readonly number[];
  readonly responseTimeoutSeconds: number;
  readonly maxParts: number;
  /** SMPP_DEFAULT_SENDER, shared by every account. @default each login's own */
  readonly defaultSender?: string;
  /** The queue pairs of every account but the first (ACCOUNT_QUEUES). */
  readonly queuePairs: AccountQueuePairs;
}

/** One login from SMPP_* variables (the `default` account), or several from SMPP_ACCOUNTS_JSON. */
export type BindServiceLogin =
  | { readonly kind: 'single'; readonly smpp: BindServiceSmpp }
  | { readonly kind: 'accounts'; readonly accounts: BindServiceAccounts };

export interface BindServiceProps {
  readonly vpc: ec2.IVpc;
  readonly store: MessageStore;
  /** The first account's queue pair (URGENT_QUEUE_URL & co.). */
  readonly queues: SendQueues;
  readonly login: BindServiceLogin;
  readonly plan: SessionPlan;
  readonly desiredCount: number;
  /** Fargate task size: 256 = 0.25 vCPU. */
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly drainSeconds: number;
  readonly logs: LogSettings;
  /** ECS Container Insights (per-task CPU/memory/network as custom metrics, billed: docs/cost.md). */
  readonly containerInsights: boolean;
  /** Where the service's EMF metrics go (docs/operations.md). */
  readonly metrics: { readonly namespace: string; readonly service: string };
}

/** The health endpoint bind-service/main.ts serves: 200 while bound, 503 otherwise. */
export const HEALTH_PORT = 8080;

/**
 * The image's `USER` (bind-service/Dockerfile): the official Node image's unprivileged user, uid and
 * gid 1000. Numeric, so ECS needs no /etc/passwd lookup; stated in the task definition as well, so
 * the task cannot run as root even if the image's USER line is lost (CT.ECS.PR.3).
 */
export const CONTAINER_USER = '1000:1000';

// Node 22 has fetch; the image has no curl. Any answer but 2xx, or no answer in 3 s, is unhealthy.
const HEALTH_PROBE = `fetch('http://127.0.0.1:${HEALTH_PORT}/healthz',{signal:AbortSignal.timeout(3000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

/** Never sent to Docker even if .dockerignore is lost: the build context stays a few hundred kB. */
export const DOCKER_EXCLUDES = [
  'node_modules',
  'cdk.out',
  '.git',
  'dist',
  'test',
  'bench',
  'docs',
  'local',
  'lambdas',
];

export class BindService extends Construct {
  readonly service: ecs.FargateService;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BindServiceProps) {
    super(scope, id);
    const { login } = props;
    this.logGroup = createLogGroup(this, 'Logs', props.logs);

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const container = taskDefinition.addContainer('bind-service', {
      image: ecs.ContainerImage.fromAsset(PROJECT_ROOT, {
        file: ENTRIES.bindServiceDockerfile,
        platform: Platform.LINUX_ARM64,
        exclude: DOCKER_EXCLUDES,
      }),
      user: CONTAINER_USER,
      // A hard limit (CT.ECS.PR.7): the whole task's memory, as the container is the only one in it.
      memoryLimitMiB: props.memoryLimitMiB,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'bind-service',
        // A slow CloudWatch must never stall the event loop that answers ENQUIRE_LINK and DELIVER_SM.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
      environment: {
        ...loginEnvironment(login),
        [VAR.HEALTH_PORT]: String(HEALTH_PORT),
        [VAR.DRAIN_SECONDS]: String(props.drainSeconds),
        [VAR.AWS_REGION]: Stack.of(this).region,
        [VAR.METRICS_NAMESPACE]: props.metrics.namespace,
        [VAR.METRICS_SERVICE]: props.metrics.service,
        // V8's heap limits sized from the task's memory, not the host's (node-heap.ts).
        NODE_OPTIONS: bindServiceNodeOptions(props.memoryLimitMiB),
      },
      // SIGTERM → stop taking work, drain the window, unbind; SIGKILL only after this.
      stopTimeout: Duration.seconds(stopTimeoutSeconds(props.drainSeconds)),
      healthCheck: {
        command: ['CMD', 'node', '-e', HEALTH_PROBE],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 4,
        // Lease wait (up to its TTL when the previous task died) + bind + retries on a slow SMSC.
        startPeriod: Duration.seconds(120),
      },
      readonlyRootFilesystem: true,
      // tini as PID 1 forwards SIGTERM to node and reaps children.
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', { initProcessEnabled: true }),
    });

    const consumer: ResourceConsumer = {
      grantPrincipal: taskDefinition.taskRole,
      addEnvironment: (name, value) => container.addEnvironment(name, value),
    };
    props.store.bindMessages(consumer, BIND_SERVICE_MESSAGES);
    props.store.bindInbound(consumer, BIND_SERVICE_INBOUND);
    props.queues.bindConsumer(consumer);
    if (login.kind === 'single') {
      const { smpp } = login;
      bindSecretArn(consumer, smpp.credentials, VAR.SMPP_SECRET_ARN);
      // Given only with TLS (resolveLogin refuses it without): never dropped here.
      if (smpp.tlsClientCertificate) {
        bindSecretArn(consumer, smpp.tlsClientCertificate, VAR.SMPP_TLS_SECRET_ARN);
      }
    } else {
      // Their ARNs are in SMPP_ACCOUNTS_JSON; the values are read at start, never set here.
      for (const secret of login.accounts.secrets) secret.grantRead(consumer);
      login.accounts.queuePairs.bindConsumer(consumer);
    }

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'bind-service: SMPP to the SMSC and HTTPS to AWS APIs out; nothing in',
      allowAllOutbound: false,
    });
    const smppPorts = login.kind === 'single' ? [login.smpp.port] : login.accounts.ports;
    for (const port of new Set(smppPorts)) {
      securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), 'SMPP to the SMSC');
    }
    securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'AWS APIs: SQS, DynamoDB, Secrets Manager, CloudWatch Logs, ECR',
    );

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: props.containerInsights
        ? ecs.ContainerInsights.ENABLED
        : ecs.ContainerInsights.DISABLED,
    });
    if (!props.containerInsights) {
      const reason =
        'One small task: the free AWS/ECS service metrics (CPU, memory) and the bind-service EMF metrics cover it; Container Insights would add dozens of billed custom metrics, more than the task costs (docs/cost.md). The containerInsights prop turns it on.';
      Validations.of(cluster).acknowledge({ id: 'AwsSolutions-ECS4', reason });
      waiveControl(cluster, 'CT.ECS.PR.2', reason);
    }
    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: props.desiredCount,
      minHealthyPercent: props.plan.minHealthyPercent,
      maxHealthyPercent: props.plan.maxHealthyPercent,
      circuitBreaker: { enable: true, rollback: true },
      assignPublicIp: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    // AZ rebalancing starts and stops tasks outside deployments; with one session per login that
    // is a needless reconnect (and it would need the headroom maxHealthyPercent denies).
    (this.service.node.defaultChild as ecs.CfnService).availabilityZoneRebalancing = 'DISABLED';

    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings (hosts, ports, table names, queue URLs, the secret ARN); the SMPP login is read from Secrets Manager at start (bind-service/config.ts).',
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Task execution role: ecr:GetAuthorizationToken supports no resource-level permissions, so AWS requires Resource "*" to pull the image (the layer actions are scoped to the repository).',
    });
  }
}

/** The login's variables: SMPP_* for one, SMPP_ACCOUNTS_JSON (and no SMPP_* per login) for several. */
function loginEnvironment(login: BindServiceLogin): Record<string, string> {
  if (login.kind === 'accounts') {
    const { accounts } = login;
    return {
      [VAR.SMPP_ACCOUNTS_JSON]: accounts.json,
      [VAR.SMPP_RESPONSE_TIMEOUT_SECONDS]: String(accounts.responseTimeoutSeconds),
      [VAR.MAX_PARTS]: String(accounts.maxParts),
      ...defaultSenderEnvironment(accounts.defaultSender),
    };
  }
  const { smpp } = login;
  return {
    [VAR.SMPP_HOST]: smpp.host,
    [VAR.SMPP_PORT]: String(smpp.port),
    ...(smpp.backupHost ? { [VAR.SMPP_BACKUP_HOST]: smpp.backupHost } : {}),
    [VAR.SMPP_TLS]: String(smpp.tls),
    ...(smpp.tlsServerName ? { [VAR.SMPP_TLS_SERVERNAME]: smpp.tlsServerName } : {}),
    [VAR.SMPP_SYSTEM_TYPE]: smpp.systemType,
    [VAR.SMPP_BINDS]: String(smpp.binds),
    [VAR.SMPP_WINDOW]: String(smpp.windowSize),
    [VAR.SMPP_THROUGHPUT]: String(smpp.throughput),
    [VAR.SMPP_RESPONSE_TIMEOUT_SECONDS]: String(smpp.responseTimeoutSeconds),
    [VAR.MAX_PARTS]: String(smpp.maxParts),
    ...defaultSenderEnvironment(smpp.defaultSender),
  };
}

/**
 * SMPP_DEFAULT_SENDER only when one is given: unset, the SMSC fills in the login's own default
 * sender. The api Lambda gets the same (SmsSender), its duplicate rule comparing by it.
 */
export function defaultSenderEnvironment(defaultSender: string | undefined): Record<string, string> {
  return defaultSender !== undefined ? { [VAR.SMPP_DEFAULT_SENDER]: defaultSender } : {};
}
