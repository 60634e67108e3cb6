import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { waiveControl } from './controls.ts';

// Every log group of the stack is made here, so retention and encryption are decided once.

export interface LogSettings {
  /** At least one year passes CT.CLOUDWATCH.PR.2; the construct's default is one year. */
  readonly retention: logs.RetentionDays;
  /** Customer-managed key for the log data (CT.CLOUDWATCH.PR.3). @default CloudWatch Logs' own encryption */
  readonly encryptionKey?: kms.IKey;
}

export interface LogGroupOptions {
  /** @default RemovalPolicy.DESTROY: operational logs go with the stack */
  readonly removalPolicy?: RemovalPolicy;
  /** A fixed name, for groups an AWS service writes to by name (API Gateway execution logs). */
  readonly logGroupName?: string;
}

export function createLogGroup(
  scope: Construct,
  id: string,
  settings: LogSettings,
  options: LogGroupOptions = {},
): logs.LogGroup {
  const group = new logs.LogGroup(scope, id, {
    retention: settings.retention,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.DESTROY,
    ...(options.logGroupName ? { logGroupName: options.logGroupName } : {}),
    ...(settings.encryptionKey ? { encryptionKey: settings.encryptionKey } : {}),
  });
  if (!settings.encryptionKey) {
    waiveControl(
      group,
      'CT.CLOUDWATCH.PR.3',
      'CloudWatch Logs already encrypts every log group at rest with its own keys; a customer-managed key adds a monthly key fee, per-request KMS charges and a key policy to maintain, for logs that carry no message text or credentials. The SmsSender `encryptionKey` prop (context `encryptionKeyArn`) turns it on and lifts this waiver.',
    );
  }
  return group;
}
