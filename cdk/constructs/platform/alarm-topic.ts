import { Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

// Where every alarm goes (CT.CLOUDWATCH.PR.1): the topic given, or one the construct owns, with the
// given e-mail addresses subscribed. Chat (Amazon Q Developer in chat applications, formerly AWS
// Chatbot) and paging tools subscribe to the same topic (docs/operations.md).

export interface AlarmTopicProps {
  readonly topic?: sns.ITopic;
  readonly emails?: readonly string[];
  /** Encrypts an owned topic; CloudWatch must be allowed to use it (encryption-key.ts). */
  readonly encryptionKey?: kms.IKey;
}

export function alarmTopic(scope: Construct, id: string, props: AlarmTopicProps): sns.ITopic {
  const topic = props.topic ?? ownedTopic(scope, id, props.encryptionKey);
  for (const email of props.emails ?? []) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  return topic;
}

function ownedTopic(scope: Construct, id: string, encryptionKey: kms.IKey | undefined): sns.Topic {
  const topic = new sns.Topic(scope, id, {
    displayName: 'SMS sender alarms',
    enforceSSL: true,
    ...(encryptionKey ? { masterKey: encryptionKey } : {}),
  });
  if (!encryptionKey) {
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        "CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed aws/sns key (its policy can't admit cloudwatch.amazonaws.com), so encryption needs a customer-managed key; the notifications carry alarm names and metric values, no message data. The SmsSender `encryptionKey` prop encrypts the topic.",
    });
  }
  return topic;
}
