import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_DEFAULTS, senderPropsFromContext } from './app-config.ts';
import { SmsSenderStack } from './stack.ts';

// `npx cdk synth` / `npx cdk deploy`: one env-agnostic stack (no lookups, so synth needs neither
// AWS credentials nor Docker). Settings come from context: docs/deploy.md lists them.

const app = new App();
const read = (key: string): unknown => app.node.tryGetContext(key);
const stackName = (read('stackName') as string | undefined) ?? APP_DEFAULTS.stackName;

new SmsSenderStack(app, stackName, {
  description: 'SMS sender for the SMSC SMPP gateway: API, queues, Fargate bind-service, DynamoDB, alarms',
  sender: (stack) => senderPropsFromContext(stack, read),
});
Tags.of(app).add('project', 'sms-sender');

// The same AwsSolutions checks the tests run: a synth with an unacknowledged finding fails.
if (read('nag') !== 'false' && read('nag') !== false) {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
