import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { VariableName } from '#core/config/variables.ts';

// Convention 7: whoever is given access to a table, queue or secret also gets the environment
// variable naming it, in one call (`store.bindMessages(fn, API_MESSAGES)`). A Lambda function and the
// bind-service container both satisfy this shape, so every grant goes through the same helpers.

export interface ResourceConsumer extends iam.IGrantable {
  addEnvironment(name: string, value: string): unknown;
}

/** Read access to a secret, with its ARN (not its value) in `envName`: the code reads it at start. */
export function bindSecretArn(
  consumer: ResourceConsumer,
  secret: secretsmanager.ISecret,
  envName: VariableName,
): void {
  secret.grantRead(consumer);
  consumer.addEnvironment(envName, secret.secretArn);
}
