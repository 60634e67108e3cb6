import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { toCreateTableInput } from '#core/aws/resources/create-table-input.ts';
import { INBOUND_TABLE, MESSAGES_TABLE, QUEUES } from '#core/aws/resources/resource-definitions.ts';
import { type Synthesised, synthesise } from './synth.ts';

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
    'when the %s queue is synthesised, then it redrives to its own DLQ',
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
        maxReceiveCount: def.maxReceiveCount,
      });
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
    expect(queues).toHaveLength(5);
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
    const mapping = synth.template.findResources('AWS::Lambda::EventSourceMapping');
    // Assess
    expect(Object.keys(mapping)).toHaveLength(1);
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
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: [{ prefix: 'MSG#' }] } } } }) }],
      },
    });
  });

  it('when the Lambdas are synthesised, then each runs Node.js 22 on ARM64 with tracing and its own log group', () => {
    // Act
    const functions = Object.values(synth.template.findResources('AWS::Lambda::Function')) as {
      Properties: Record<string, unknown>;
    }[];
    // Assess
    expect(functions).toHaveLength(2);
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
    expect(count('ApproximateNumberOfMessagesVisible')).toBe(3); // two DLQs + stream failures
    expect(count('ApproximateAgeOfOldestMessage')).toBe(2);
    expect(count('BindsUp')).toBe(1);
    expect(count('Throttled')).toBe(1);
    expect(count('UnknownOutcomes')).toBe(1);
    expect(count('5XXError')).toBe(1);
    expect(count('Errors')).toBe(2);
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
