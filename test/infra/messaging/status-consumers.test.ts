import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_PLUGIN } from '../../../cdk/constructs/platform/controls.ts';
import { StatusConsumerStack } from '../../../examples/status-consumer/stack.ts';
import {
  asList,
  GUARD_SYNTH_MS,
  policyStatements,
  readValidationReport,
  type Synthesised,
  synthesise,
  unacknowledgedFindings,
} from '../synth.ts';

// Another team's stack using the construct's consumer API (examples/status-consumer): a rule from
// onStatus with the contract's pattern, grantSend and grantRead with nothing beyond their routes and
// queues, the stack outputs a consumer needs, and the whole app clean under cdk-nag and Control Tower.

type Resources = Record<string, { Properties: Record<string, unknown> }>;

describe('status consumers of SmsSender', () => {
  let synth: Synthesised;
  let consumer: StatusConsumerStack;
  let template: Template;
  let reporting: Stack;

  beforeAll(() => {
    synth = synthesise({
      controlTower: true,
      extend: (app, stack) => {
        consumer = new StatusConsumerStack(app, 'StatusConsumer', { sender: stack.sender });
        reporting = new Stack(app, 'Reporting');
        const reader = new iam.Role(reporting, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
        stack.sender.grantRead(reader);
      },
    });
    template = Template.fromStack(consumer);
  }, GUARD_SYNTH_MS);

  afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

  it('when a stack subscribes with onStatus, then its rule matches the contract for delivered and undelivered only, from this sender only, and targets the Lambda', () => {
    // Act
    const rules = template.findResources('AWS::Events::Rule') as Resources;
    // Assess: `resources` is the sender's messages table, which its status Lambda puts in every
    // event; another stack of this app on the same (default) bus publishes under its own table.
    const [rule] = Object.values(rules);
    expect(Object.keys(rules)).toHaveLength(1);
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['sms-sender'],
      'detail-type': ['MessageStatusChanged'],
      resources: [{ 'Fn::ImportValue': expect.stringContaining('StoreMessages') }],
      detail: { status: ['delivered', 'undelivered'] },
    });
    expect(rule?.Properties.EventBusName).toBe('default');
    expect(JSON.stringify(rule?.Properties.Targets)).toContain('StatusConsumerFunction');
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
  });

  it('when the sender is synthesised, then its status Lambda names the messages table as every event’s resource', () => {
    // Act
    const functions = Object.entries(synth.template.findResources('AWS::Lambda::Function') as Resources);
    const [, statusStream] = functions.find(([id]) => id.startsWith('SmsSenderStatusStreamHandler')) ?? [];
    const environment = statusStream?.Properties.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};
    // Assess
    expect(variables.EVENT_RESOURCE_ARN).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^SmsSenderStoreMessages/), 'Arn'],
    });
  });

  it('when a role is granted send, then it may invoke only the POST routes and send only to the two send queues', () => {
    // Act
    const statements = policyStatements(template).filter((s) => s.policy.startsWith('OrdersService'));
    // Assess
    const invoke = statements.filter((s) => asList(s.Action).includes('execute-api:Invoke'));
    const sqs = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('sqs:')));
    expect(statements).toHaveLength(invoke.length + sqs.length);
    const invokeArns = JSON.stringify(invoke.map((s) => s.Resource));
    expect(invokeArns).toContain('/prod/POST/v1/messages"');
    expect(invokeArns).toContain('/prod/POST/v1/batches"');
    expect(invokeArns).not.toMatch(/GET|HEAD|\*/);
    expect(sqs.flatMap((s) => asList(s.Action)).sort()).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const queues = JSON.stringify(sqs.map((s) => s.Resource));
    expect(queues).toMatch(/QueuesUrgent[A-Z0-9]+/);
    expect(queues).toMatch(/QueuesBulk[A-Z0-9]+/);
    expect(queues).not.toMatch(/Dlq|Callbacks/);
  });

  it('when a role is granted read, then it may invoke only the GET and HEAD routes', () => {
    // Act
    const statements = policyStatements(Template.fromStack(reporting));
    // Assess
    expect(statements.flatMap((s) => asList(s.Action))).toEqual(['execute-api:Invoke']);
    const arns = JSON.stringify(statements.map((s) => s.Resource));
    for (const route of [
      'GET/v1/messages/*',
      'HEAD/v1/messages/*',
      'GET/v1/batches/*',
      'HEAD/v1/batches/*',
    ]) {
      expect(arns).toContain(`/prod/${route}"`);
    }
    expect(arns).not.toContain('POST');
  });

  it('when the sender is synthesised, then the status Lambda reads the inbound stream for incoming-message inserts only', () => {
    // Act
    const mappings = Object.values(
      synth.template.findResources('AWS::Lambda::EventSourceMapping') as Resources,
    ).filter((mapping) => JSON.stringify(mapping.Properties.EventSourceArn).includes('StoreInbound'));
    // Assess
    expect(mappings).toHaveLength(1);
    const criteria = mappings[0]?.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined;
    expect((criteria?.Filters ?? []).map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'IN#SMSC#' }] } } } },
      { eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'IN#ID#' }] } } } },
    ]);
  });

  it('when the sender is synthesised, then its outputs name the bus, the event source and the detail types, and no stream', () => {
    // Act
    const outputs = synth.template.findOutputs('*');
    // Assess
    expect(outputs.EventBusName?.Value).toBe('default');
    expect(outputs.EventSource?.Value).toBe('sms-sender');
    expect(outputs.EventDetailTypes?.Value).toBe('MessageStatusChanged,InboundMessageReceived');
    expect(Object.keys(outputs).some((name) => /stream/i.test(name))).toBe(false);
  });

  it('when the stack generates the callback signing key, then an output names its secret for the receivers', () => {
    // Act
    const outputs = synth.template.findOutputs('*');
    const secrets = Object.keys(synth.template.findResources('AWS::SecretsManager::Secret'));
    // Assess: receivers verify every callback with it; nothing else told a deployer which secret it is.
    expect(secrets).toHaveLength(1);
    expect(outputs.CallbackSigningSecretArn?.Value).toEqual({ Ref: secrets[0] });
  });

  it('when a role is granted read, then cdk-nag reports only the id wildcard of the four read routes (the caller acknowledges it)', () => {
    // Act
    const findings = unacknowledgedFindings(reporting);
    // Assess
    expect(
      findings.map((finding) => finding.rule.replace(/^.*\/prod\//, '').replace(/]$/, '')).sort(),
    ).toEqual(['GET/v1/batches/*', 'GET/v1/messages/*', 'HEAD/v1/batches/*', 'HEAD/v1/messages/*']);
    expect(findings.every((finding) => finding.rule.startsWith('AwsSolutions-IAM5[Resource::'))).toBe(true);
  });

  it('when the sender and a stack using onStatus and grantSend are checked, then cdk-nag finds nothing unacknowledged and no Control Tower control fails', () => {
    // Act
    const findings = [...unacknowledgedFindings(synth.stack), ...unacknowledgedFindings(consumer)];
    const guard = readValidationReport(synth.outdir)?.pluginReports.find(
      (p) => p.pluginName === GUARD_PLUGIN,
    );
    // Assess
    expect(findings).toEqual([]);
    expect(guard?.violations).toEqual([]);
    expect(guard?.conclusion).toBe('success');
  });
});
