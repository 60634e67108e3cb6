import { fileURLToPath } from 'node:url';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { NodeFunction } from '../../cdk/constructs/compute/node-function.ts';
import type { SmsSender } from '../../cdk/constructs/sms-sender.ts';

// Another team's stack using the sender (docs/events.md "Subscribing from another CDK app"): a Lambda
// told of delivered and undelivered messages through `onStatus`, and a role of its service allowed to
// send through `grantSend`. The rule lives in this stack, so this stack depends on the sender's.

export interface StatusConsumerStackProps extends StackProps {
  readonly sender: SmsSender;
}

export class StatusConsumerStack extends Stack {
  readonly consumer: NodeFunction;
  readonly sendingRole: iam.Role;

  constructor(scope: Construct, id: string, props: StatusConsumerStackProps) {
    super(scope, id, props);
    this.consumer = new NodeFunction(this, 'StatusConsumer', {
      entry: fileURLToPath(new URL('./handler.ts', import.meta.url)),
      description: 'Example: notes delivered and undelivered SMS',
      logs: { retention: logs.RetentionDays.ONE_YEAR },
    });
    props.sender.onStatus(new targets.LambdaFunction(this.consumer.function, { retryAttempts: 4 }), {
      statuses: ['delivered', 'undelivered'],
      scope: this,
      id: 'DeliveryOutcomes',
    });

    this.sendingRole = new iam.Role(this, 'OrdersService', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Example: a service that sends SMS through the API or straight to SQS',
    });
    props.sender.grantSend(this.sendingRole);
  }
}
