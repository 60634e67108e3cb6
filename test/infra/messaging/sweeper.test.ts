import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { worstCallMs } from '#core/aws/clients.ts';
import { loadConfig } from '#lambdas/api/config.ts';
import { asList, policyStatements, type Synthesised, synthesise } from '../synth.ts';

// The sweeper's deployment (cdk/constructs/messaging/sweeper.ts) and the api Lambda's time limit it backs up.

/** The one Lambda function whose logical id starts with `prefix`. */
function functionOf(synth: Synthesised, prefix: string): [string, { Properties: Record<string, unknown> }] {
  const found = Object.entries(synth.template.findResources('AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith(prefix),
  );
  if (found.length !== 1 || !found[0])
    throw new Error(`expected one function ${prefix}*, found ${found.length}`);
  return found[0] as [string, { Properties: Record<string, unknown> }];
}

describe('SmsSender sweeper', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise();
  });

  it('when the sweeper is synthesised, then an EventBridge schedule runs it every 2 minutes', () => {
    // Prepare
    const [id] = functionOf(synth, 'SmsSenderSweeperHandlerFunction');
    // Act
    const rule = Match.objectLike({
      ScheduleExpression: 'rate(2 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }),
      ],
    });
    // Assess
    synth.template.hasResourceProperties('AWS::Events::Rule', rule);
  });

  it('when the sweeper is synthesised, then a failed run goes to an encrypted queue, unretried, and alarms', () => {
    // Prepare
    const [id] = functionOf(synth, 'SmsSenderSweeperHandlerFunction');
    // Act
    const invokeConfig = synth.template.findResources('AWS::Lambda::EventInvokeConfig');
    // Assess
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    expect(Object.keys(invokeConfig)).toHaveLength(1);
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
      Threshold: 0,
    });
  });

  it('when the sweeper role is synthesised, then it may query byAttention only, read and update items, and send to the two lanes', () => {
    // Prepare
    const [, fn] = functionOf(synth, 'SmsSenderSweeperHandlerFunction');
    const roleRef = JSON.stringify(fn.Properties.Role);
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = synth.template.findResources('AWS::IAM::Policy');
    const own = Object.entries(policies)
      .filter(([, policy]) =>
        JSON.stringify((policy as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId),
      )
      .map(([id]) => id);
    // Act
    const statements = policyStatements(synth.template).filter((statement) => own.includes(statement.policy));
    const actions = statements.flatMap((statement) => asList(statement.Action)).sort();
    const dynamoResources = statements
      .filter((statement) => asList(statement.Action).some((action) => action.startsWith('dynamodb:')))
      .map((statement) => JSON.stringify(statement.Resource));
    // Assess
    expect(roleRef).toContain('SweeperHandlerRole');
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PartiQLUpdate',
      'dynamodb:Query',
    ]);
    expect(actions).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(
      actions.filter((action) => action.startsWith('sqs:') && !/^sqs:(SendMessage|GetQueue)/.test(action)),
    ).toEqual([]);
    expect(dynamoResources.join(' ')).toContain('/index/byAttention');
    expect(dynamoResources.join(' ')).not.toContain('/index/byBatch');
    expect(dynamoResources.join(' ')).not.toContain('index/*');
  });

  it('when the sweeper is synthesised, then its failures queue is marked a dead-letter destination and its alarms notify the alarm topic', () => {
    // Prepare
    const [topic] = Object.keys(synth.template.findResources('AWS::SNS::Topic'));
    // Act
    const queues = Object.entries(synth.template.findResources('AWS::SQS::Queue')).filter(([id]) =>
      id.startsWith('SmsSenderSweeperFailures'),
    );
    const alarms = Object.entries(synth.template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) =>
      id.includes('Sweeper'),
    ) as [string, { Properties: Record<string, unknown> }][];
    // Assess
    expect(queues).toHaveLength(1);
    expect(queues[0]?.[1]).toMatchObject({
      Properties: { RedriveAllowPolicy: { redrivePermission: 'allowAll' }, SqsManagedSseEnabled: true },
    });
    expect(alarms.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'SmsSenderOperationsSweeperErrors',
      'SmsSenderOperationsSweeperFailuresDepth',
    ]);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topic }]);
    }
  });

  it('when a customer-managed key encrypts the tables, then the sweeper role may use that key', () => {
    // Prepare
    const keyArn = 'arn:aws:kms:eu-central-1:111111111111:key/0e6b2f5c-3c4d-4f5e-8a9b-0c1d2e3f4a5b';
    const keyed = synthesise({ context: { encryptionKeyArn: keyArn } });
    // Act
    const statements = policyStatements(keyed.template).filter((statement) =>
      statement.policy.startsWith('SmsSenderSweeperHandlerRole'),
    );
    const keyActions = statements
      .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(keyArn))
      .flatMap((statement) => asList(statement.Action));
    // Assess
    expect(keyActions).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']),
    );
  });

  it('when the api Lambda is synthesised, then its timeout exceeds the longest answer its call limits allow', () => {
    // Prepare: a store, a hung publish and the failed mark. Or a batch: its budget runs from the
    // request's start and stops the anti-loop guard's successors, the store and the publishing, but
    // not the guard itself (its read and its write, each hung to its limit); after it, one round of
    // marks and window closes for what was not stored or not queued, which stops at a hung call
    const { limits } = loadConfig({
      MESSAGES_TABLE: 't',
      URGENT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/u',
      BULK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/b',
      AWS_REGION: 'eu-west-1',
    });
    const single = worstCallMs(limits.dynamodb) * 2 + worstCallMs(limits.sqs);
    const guard = worstCallMs(limits.dynamodb) * 2;
    const batch = Math.max(guard, limits.batchBudgetMs) + worstCallMs(limits.dynamodb);
    // Act
    const [, api] = functionOf(synth, 'SmsSenderApiHandlerFunction');
    // Assess
    expect(Number(api.Properties.Timeout) * 1000).toBeGreaterThan(Math.max(single, batch));
  });
});
