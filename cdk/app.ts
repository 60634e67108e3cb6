import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_DEFAULTS, senderPropsFromContext } from './app-config.ts';
import { controlTowerChecks } from './checks.ts';
import { SmsSenderStack } from './stack.ts';

// `npx cdk synth` / `npx cdk deploy`: one env-agnostic stack (no lookups, so synth needs neither
// AWS credentials nor Docker). Settings come from context: docs/deploy.md lists them.

const app = new App();
const read = (key: string): unknown => app.node.tryGetContext(key);
const enabled = (key: string): boolean => read(key) !== 'false' && read(key) !== false;
const stackName = (read('stackName') as string | undefined) ?? APP_DEFAULTS.stackName;

new SmsSenderStack(app, stackName, {
  description: 'SMS sender for the SMSC SMPP gateway: API, queues, Fargate bind-service, DynamoDB, alarms',
  sender: (stack) => senderPropsFromContext(stack, read),
});
Tags.of(app).add('project', 'sms-sender');

// The same checks the tests run: a synth with an unacknowledged cdk-nag finding, or a failing AWS
// Control Tower proactive control that no construct waived, fails. (`Validations.addPlugins` is
// the current form of the App's deprecated `policyValidationBeta1` prop.)
if (enabled('nag')) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
// Off only where the plugin's cfn-guard binary does not run (it ships for Linux and macOS).
if (enabled('controlTower')) Validations.of(app).addPlugins(controlTowerChecks());
