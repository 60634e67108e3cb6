import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENTRIES, PROJECT_ROOT } from '../../paths.ts';
import type { ResourceConsumer } from '../messaging/consumer.ts';
import { waiveControl } from '../platform/controls.ts';
import { createLogGroup, type LogSettings } from '../platform/log-group.ts';
import { environmentSizeProblems } from './environment-size.ts';
import { cdkBundlingOptions } from './lambda-bundling.ts';

// The one place Lambda defaults live (convention 7): Node 22 on ARM64, esbuild bundle, X-Ray,
// a log group with retention, and a role of its own with no managed policies, so that each function
// holds exactly what the bind… helpers grant it.

export interface NodeFunctionProps {
  /** Absolute path of the handler module (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly logs: LogSettings;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  readonly environment?: Readonly<Record<string, string>>;
}

export class NodeFunction extends Construct implements ResourceConsumer {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.logGroup = createLogGroup(this, 'Logs', props.logs);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this function's group only.
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: ENTRIES.lockFile,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      bundling: cdkBundlingOptions(),
      environment: { ...props.environment },
    });

    // Checked once everything is added: a deploy would fail half-way on an environment over 4 KB.
    this.node.addValidation({ validate: () => environmentSizeProblems(this.function) });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the project runtime target in AWS (DESIGN "Dependencies"), the same major as the bind-service image; both move to the next LTS together, after the tests run on it.',
    });
    waiveControl(
      this.function,
      'CT.LAMBDA.PR.3',
      'The functions reach only AWS APIs (DynamoDB, SQS, EventBridge, Secrets Manager) and, for status callbacks, client URLs on the internet; nothing they use is in the VPC. Inside it every call would pay the NAT gateway per GB, and the API would go down with the one NAT\'s AZ (docs/operations.md "Network"). They hold no network position to protect: IAM scopes what they can touch.',
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level permissions get Resource "*": xray:PutTraceSegments and xray:PutTelemetryRecords (Tracing.ACTIVE) and, for a DynamoDB stream consumer, dynamodb:ListStreams. test/infra/security.test.ts fails on any other action with "*".',
    });
  }

  get grantPrincipal(): iam.IPrincipal {
    return this.role;
  }

  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
