import { describe, expect, it } from 'vitest';
import { queueNames, tableNames } from '#core/aws/resources/resource-definitions.ts';
import { bindServiceEnv, type ComponentEnvInput } from '#local/stack-config.ts';

// What the local stack hands the bind-service: its own short long poll (a quick Ctrl-C,
// test/integration/local/stack/stop.test.ts) unless the user set one.

function input(env: ComponentEnvInput['env']): ComponentEnvInput {
  return {
    env,
    region: 'us-east-1',
    endpoints: { dynamodb: 'http://127.0.0.1:8000', sqs: 'http://127.0.0.1:9324' },
    tables: tableNames('unit'),
    queues: queueNames('unit'),
  };
}

describe('the local stack’s bind-service environment', () => {
  it('when SQS_WAIT_SECONDS is set, then the local stack passes the user value to the bind-service', () => {
    // Act
    const wait = bindServiceEnv(input({ SQS_WAIT_SECONDS: '3' })).SQS_WAIT_SECONDS;
    // Assess
    expect(wait).toBe('3');
  });
});
