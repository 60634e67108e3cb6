import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { toCreateTableInput } from '#core/aws/resources/create-table-input.ts';
import {
  CALLBACK_QUEUE,
  INBOUND_TABLE,
  MESSAGES_TABLE,
  QUEUES,
} from '#core/aws/resources/resource-definitions.ts';
import { asList, policyStatements, type Synthesised, synthesise } from './synth.ts';

// Tables, queues, network, the status consumer and the alarms: built from the shared definitions, so
// the local stack (which creates tables from the same objects) and AWS cannot disagree.

/** The resource whose logical id is `path` plus CDK's 8-character hash. */
function resourceOf(synth: Synthesised, type: string, path: string): { Properties: Record<string, unknown> } {
  const logicalId = new RegExp(`^${path}[0-9A-F]{8}$`);
  const [found] = Object.entries(synth.template.findResources(type)).filter(([id]) => logicalId.test(id));
  if (!found) throw new Error(`no ${type} with logical id ${path}<hash>`);
  return found[1] as { Properties: Record<string, unknown> };
}

describe('SmsSender stack resources', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise();
  });

  it('when one smpp login is synthesised, then every resource keeps its logical id and type from before accounts (an update replaces nothing)', () => {
    // Prepare: the single-login template's resources as they were before the accounts prop existed.
    const before = JSON.parse(
      readFileSync(join(import.meta.dirname, 'fixtures', 'single-login-resources.json'), 'utf8'),
    ) as Record<string, string>;
    // Act
    const now = Object.fromEntries(
      Object.entries(synth.template.toJSON().Resources as Record<string, { Type: string }>).map(
        ([id, resource]) => [id, resource.Type],
      ),
    );
    // Assess
    expect(now).toEqual(before);
  });

  it.each([
    ['SmsSenderStoreMessages', MESSAGES_TABLE],
    ['SmsSenderStoreInbound', INBOUND_TABLE],
  ])(
    'when table %s is synthesised, then its keys and indexes are those the local stack creates',
    (id, def) => {
      // Prepare
      const local = toCreateTableInput(def, 'local');
      // Act
      const table = resourceOf(synth, 'AWS::DynamoDB::Table', id).Properties;
      // Assess
      expect(table.KeySchema).toEqual(local.KeySchema);
      expect(table.AttributeDefinitions).toEqual(local.AttributeDefinitions);
      expect(table.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
      expect(table.StreamSpecification).toEqual({
        StreamViewType: local.StreamSpecification?.StreamViewType,
      });
      expect(table.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    },
  );

  it('when the messages table is synthesised, then its stream carries new and old images and it survives stack deletion', () => {
    // Act
    const table = synth.template.findResources('AWS::DynamoDB::Table', {
      Properties: { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } },
    });
    // Assess
    expect(Object.keys(table)).toHaveLength(1);
    expect(Object.values(table)[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it.each(['urgent', 'bulk'] as const)(
    'when the %s queue is synthesised, then it redrives to its own DLQ only as a backstop, after 1000 receives',
    (lane) => {
      // Prepare
      const def = QUEUES[lane];
      const queueId = `SmsSenderQueues${def.id}`;
      const dlqId = `SmsSenderQueues${def.dlq.id}`;
      // Act
      const queue = resourceOf(synth, 'AWS::SQS::Queue', queueId).Properties;
      const dlq = resourceOf(synth, 'AWS::SQS::Queue', dlqId).Properties;
      // Assess
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${dlqId}`)), 'Arn'] },
        maxReceiveCount: 1_000,
      });
      expect(def.maxReceiveCount).toBe(1_000);
      expect(queue).toMatchObject({
        SqsManagedSseEnabled: true,
        MaximumMessageSize: def.maxMessageSizeBytes,
        MessageRetentionPeriod: def.messageRetentionSeconds,
        VisibilityTimeout: def.visibilityTimeoutSeconds,
        ReceiveMessageWaitTimeSeconds: def.receiveWaitTimeSeconds,
      });
      expect(dlq).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: def.dlq.messageRetentionSeconds,
      });
    },
  );

  it('when queues are synthesised, then every one of them refuses requests without TLS', () => {
    // Prepare
    const queues = Object.keys(synth.template.findResources('AWS::SQS::Queue'));
    // Act
    const policies = synth.template.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
    });
    // Assess
    expect(queues).toHaveLength(8); // two lanes, their DLQs, stream failures, callbacks and DLQ, sweeper failures
    expect(Object.keys(policies)).toHaveLength(queues.length);
  });

  it('when the network is synthesised, then private traffic leaves through one NAT gateway whose Elastic IP is an output', () => {
    // Prepare
    const [eipId] = Object.keys(synth.template.findResources('AWS::EC2::EIP'));
    // Act
    const output = synth.template.findOutputs('EgressIp');
    // Assess
    expect(output.EgressIp?.Value).toEqual({ 'Fn::GetAtt': [eipId, 'PublicIp'] });
    synth.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    synth.template.hasResourceProperties('AWS::EC2::NatGateway', {
      AllocationId: { 'Fn::GetAtt': [eipId, 'AllocationId'] },
    });
    synth.template.hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Retain' });
    synth.template.resourceCountIs('AWS::EC2::Subnet', 4);
    synth.template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('when the status consumer is synthesised, then it reports item failures, bisects and sends exhausted records to a queue', () => {
    // Act
    const mapping = synth.template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { StartingPosition: Match.anyValue() },
    });
    // Assess: the messages stream, and the inbound stream (incoming messages; status-consumers.test.ts)
    expect(Object.keys(mapping)).toHaveLength(2);
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SmsSenderStoreMessages'), 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: Match.anyValue(),
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SmsSenderStatusStreamFailures'), 'Arn'] },
        },
      },
      FilterCriteria: {
        // Not REMOVE: a record's TTL deletion, 90 days on, carries no state and would invoke the
        // function once per message ever sent (before, the key prefix alone let it through).
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT', 'MODIFY'],
              dynamodb: { Keys: { pk: { S: [{ prefix: 'MSG#' }] } } },
            }),
          },
        ],
      },
    });
  });

  it('when the Lambdas are synthesised, then each runs Node.js 22 on ARM64 with tracing and its own log group', () => {
    // Act
    const functions = Object.values(synth.template.findResources('AWS::Lambda::Function')) as {
      Properties: Record<string, unknown>;
    }[];
    // Assess
    expect(functions).toHaveLength(4); // api, status-stream, callback worker, sweeper
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
  });

  it('when operations are synthesised, then the listed conditions each have an alarm and a dashboard shows them', () => {
    // Prepare
    const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { MetricName?: string; Metrics?: { MetricStat?: { Metric: { MetricName: string } } }[] };
    }[];
    // Act
    const metricNames = alarms.flatMap((alarm) =>
      alarm.Properties.MetricName
        ? [alarm.Properties.MetricName]
        : (alarm.Properties.Metrics ?? []).flatMap((m) =>
            m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
          ),
    );
    const count = (name: string) => metricNames.filter((metric) => metric === name).length;
    // Assess
    expect(count('ApproximateNumberOfMessagesVisible')).toBe(5); // lane DLQs, stream and sweeper failures, callback DLQ
    expect(count('ApproximateAgeOfOldestMessage')).toBe(2);
    expect(count('BindsUp')).toBe(1);
    expect(count('Throttled')).toBe(1);
    expect(count('UnknownOutcomes')).toBe(1);
    expect(count('5XXError')).toBe(1);
    expect(count('Errors')).toBe(4); // api, status-stream, callback worker, sweeper
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('when the API is synthesised, then it is named after its stack and its 5xx alarm reads that API only', () => {
    // Act: API Gateway keys its metrics by ApiName; the construct id alone ("Api") is shared by
    // every REST API so named in the region, e.g. another stack of this app.
    const expected = `${synth.stack.stackName}-api`;
    const [api] = Object.values(synth.template.findResources('AWS::ApiGateway::RestApi')) as {
      Properties: { Name: string };
    }[];
    const [alarm] = Object.values(
      synth.template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: '5XXError' } }),
    ) as { Properties: { Dimensions: unknown } }[];
    // Assess
    expect(api?.Properties.Name).toBe(expected);
    expect(alarm?.Properties.Dimensions).toEqual([{ Name: 'ApiName', Value: expected }]);
  });

  it('when the callback worker is synthesised, then it consumes the callback queue with partial batch failures and the queue redrives to its DLQ at the shared limit', () => {
    // Act
    // CDK drops the repeated id: Callbacks/Callbacks is SmsSenderCallbacks<hash>.
    const queue = resourceOf(synth, 'AWS::SQS::Queue', 'SmsSenderCallbacks');
    // Assess
    expect(queue.Properties).toMatchObject({
      VisibilityTimeout: CALLBACK_QUEUE.visibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: {
          'Fn::GetAtt': [expect.stringMatching(/^SmsSenderCallbacksCallbacksDlq[0-9A-F]{8}$/), 'Arn'],
        },
        maxReceiveCount: CALLBACK_QUEUE.maxReceiveCount,
      },
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^SmsSenderCallbacks[0-9A-F]{8}$'), 'Arn'],
      },
      FunctionName: { Ref: Match.stringLikeRegexp('^SmsSenderCallbacksWorkerFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('when the callback worker is synthesised, then its queue hides a batch for at least six times the worker timeout (AWS’s rule for SQS event sources)', () => {
    // Act
    const queue = resourceOf(synth, 'AWS::SQS::Queue', 'SmsSenderCallbacks');
    const worker = resourceOf(synth, 'AWS::Lambda::Function', 'SmsSenderCallbacksWorkerFunction');
    const visibilitySeconds = Number(queue.Properties.VisibilityTimeout);
    const timeoutSeconds = Number(worker.Properties.Timeout);
    // Assess: a throttled invoke is retried while the batch stays hidden; a batch invoked late must
    // not come back visible while it is still being posted (posted twice, one receive nearer the DLQ)
    expect(timeoutSeconds).toBeGreaterThan(0);
    expect(visibilitySeconds).toBeGreaterThanOrEqual(6 * timeoutSeconds);
  });

  it('when the roles are synthesised, then the stream only sends callback jobs and the worker only updates messages and reads the signing secret', () => {
    // Prepare
    const statements = policyStatements(synth.template);
    const actionsOf = (policy: RegExp) =>
      statements.filter((s) => policy.test(s.policy)).flatMap((s) => asList(s.Action));
    // Act
    const stream = actionsOf(/^SmsSenderStatusStreamHandlerRole/);
    const worker = actionsOf(/^SmsSenderCallbacksWorkerRole/);
    // Assess
    expect(stream).toContain('sqs:SendMessage');
    expect(stream).not.toContain('secretsmanager:GetSecretValue');
    expect(
      stream.filter((action) => action.startsWith('dynamodb:') && action !== 'dynamodb:ListStreams'),
    ).toEqual(expect.not.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem']));
    expect(worker).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
    );
    expect(worker).toContain('secretsmanager:GetSecretValue');
    expect(worker.filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:UpdateItem']);
    expect(worker).not.toContain('sqs:SendMessage');
  });
});
