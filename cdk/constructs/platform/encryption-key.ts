import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

// The optional customer-managed key (SmsSender `encryptionKey`) is used by services that act as
// themselves, not as a caller: CloudWatch Logs encrypting log groups, and CloudWatch alarms
// publishing to the encrypted alarm topic. Each needs a key-policy statement. A key created in the
// same app gets them here; an imported key's policy cannot be changed from this stack, so it must
// already hold them (docs/deploy.md lists them).

/** Adds the statements; false when the key is imported and its policy is not ours to change. */
export function allowServiceUse(scope: Construct, key: kms.IKey): boolean {
  const { region, account, partition } = Stack.of(scope);
  const logs = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsUse',
      principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
      // The statement AWS documents for CloudWatch Logs, as written there.
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      // Only for log groups of this account and region.
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*`,
        },
      },
    }),
  );
  const alarms = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      // As AWS documents it for alarms publishing to an encrypted topic; the topic's own policy
      // still decides who may publish.
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  return logs.statementAdded && alarms.statementAdded;
}
