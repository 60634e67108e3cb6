import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DETAIL_TYPES, EVENT_SOURCE } from '#core/domain/events/message-status-changed.ts';
import type { SmsSenderProps } from './constructs/props.ts';
import { SmsSender } from './constructs/sms-sender.ts';

// This repository's own deployment: the SmsSender construct and the outputs an operator needs.

export interface SmsSenderStackProps extends StackProps {
  /** The construct's props; given the stack so imported secrets/topics are created inside it. */
  readonly sender: (stack: Stack) => SmsSenderProps;
}

export class SmsSenderStack extends Stack {
  readonly sender: SmsSender;

  constructor(scope: Construct, id: string, props: SmsSenderStackProps) {
    super(scope, id, props);
    this.sender = new SmsSender(this, 'SmsSender', props.sender(this));
    const { urgent, bulk } = this.sender.queues.lanes;
    const outputs: Record<string, { value: string; description: string }> = {
      EgressIp: {
        value: this.sender.network.egressIp,
        description: 'Fixed public IP of every SMPP connection: whitelist it in the SMSC account settings',
      },
      ApiUrl: { value: this.sender.api.url, description: 'API base URL (SigV4, service execute-api)' },
      UrgentQueueUrl: { value: urgent.queue.queueUrl, description: 'Send queue for single messages' },
      BulkQueueUrl: { value: bulk.queue.queueUrl, description: 'Send queue for mass mailings' },
      MessagesTable: {
        value: this.sender.store.messages.tableName,
        description: 'Message records and history',
      },
      AlarmTopicArn: {
        value: this.sender.alarmTopic.topicArn,
        description: 'SNS topic of every alarm and recovery: subscribe e-mail, chat or paging to it',
      },
      // The status events' contract (docs/events.md); the table's stream is internal, so no output.
      EventBusName: {
        value: this.sender.eventBus.eventBusName,
        description: 'EventBridge bus the status events go to',
      },
      EventSource: { value: EVENT_SOURCE, description: 'The `source` of every status event' },
      EventDetailTypes: {
        value: Object.values(DETAIL_TYPES).join(','),
        description:
          'The `detail-type` values of the status events (comma-separated); schema in docs/events.md',
      },
      Dashboard: {
        value: this.sender.operations.dashboard.dashboardName,
        description: 'CloudWatch dashboard',
      },
      // Callback receivers verify each callback with this key (docs/events.md); it may be generated.
      CallbackSigningSecretArn: {
        value: this.sender.callbacks.signingSecret.secretArn,
        description: 'Secrets Manager secret the callbacks are signed with: give its value to the receivers',
      },
    };
    const pairs = [...this.sender.accountQueues.pairs];
    if (pairs.length > 0) {
      // Publishers straight to SQS need each account's pair; the first account's is above.
      outputs.AccountQueues = {
        value: this.toJsonString(Object.fromEntries(pairs.map(([name, queues]) => [name, queues.urls]))),
        description: 'Queue URLs of every account but the first, JSON as ACCOUNT_QUEUES (docs/accounts.md)',
      };
    }
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}
