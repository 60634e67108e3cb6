import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { controlTowerChecks } from '../../../cdk/checks.ts';
import {
  GUARD_PLUGIN,
  GUARD_RULES,
  guardRuleId,
  type WaivedControl,
} from '../../../cdk/constructs/platform/controls.ts';
import { createLogGroup } from '../../../cdk/constructs/platform/log-group.ts';
import {
  acknowledgements,
  assemblyDir,
  GUARD_SYNTH_MS,
  type ReportedViolation,
  readValidationReport,
  type Synthesised,
  synthesise,
  unacknowledgedFindings,
} from '../synth.ts';

// The AWS Control Tower proactive controls, run through the cfn-guard CDK plugin exactly as
// `cdk synth` runs them: none fails, and the few waived ones are waived only where expected, each
// with its reason. Then what the fixed controls protect: every alarm reaches a person.

type Resources = Record<string, { Properties: Record<string, unknown>; DependsOn?: string[] }>;

/** The controls this stack waives, and the construct paths (under SmsSender/SmsSender/) they cover. */
const EXPECTED_WAIVERS: Readonly<Record<WaivedControl, RegExp>> = {
  'CT.CLOUDWATCH.PR.3': /\/(Logs|FlowLogs|AccessLogs|ExecutionLogs)\/Resource$/,
  'CT.ECS.PR.2': /^BindService\/Cluster\/Resource$/,
  'CT.LAMBDA.PR.2': /^Api\/Api\/Default\/.+\/ApiPermission\./,
  'CT.LAMBDA.PR.3':
    /^(ApiHandler|StatusStream\/Handler|Callbacks\/Worker|Sweeper\/Handler)\/Function\/Resource$/,
};

function guardReport(synth: Synthesised) {
  const report = readValidationReport(synth.outdir)?.pluginReports.find((p) => p.pluginName === GUARD_PLUGIN);
  if (!report) throw new Error('the cfn-guard plugin did not run');
  return report;
}

function controlOf(violation: ReportedViolation): string {
  return /^\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(violation.description)?.[1] ?? violation.ruleName;
}

describe('AWS Control Tower proactive controls', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise({ controlTower: true });
  }, GUARD_SYNTH_MS);

  // Synthesis and cfn-guard block the event loop for seconds at a time (far longer on a busy
  // runner); a full turn of it after each test lets the vitest worker handle its RPC replies before
  // their 60 s timeout instead of after several blocking tests in a row.
  afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

  it('when the app is synthesised through the cfn-guard plugin, then no control fails', () => {
    // Act
    const report = guardReport(synth);
    // Assess
    expect(report.violations).toEqual([]);
    expect(report.conclusion).toBe('success');
  });

  it(
    'when a control fails on a resource no waiver covers, then synthesis fails although another control is waived',
    () => {
      // Prepare: a small app with a waived log group (CT.CLOUDWATCH.PR.3) and an alarm without actions.
      const app = new App({ outdir: assemblyDir() });
      const stack = new Stack(app, 'Guarded');
      createLogGroup(stack, 'Logs', { retention: RetentionDays.ONE_YEAR });
      new cloudwatch.Metric({
        namespace: 'Test',
        metricName: 'Silent',
        period: Duration.minutes(1),
      }).createAlarm(stack, 'Silent', { threshold: 1, evaluationPeriods: 1 });
      Validations.of(app).addPlugins(controlTowerChecks());
      // Act: synthesised once (a cfn-guard run), the outcome kept for both assertions.
      const outcome = (() => {
        try {
          app.synth();
          return 'synthesised';
        } catch (error) {
          return String(error);
        }
      })();
      // Assess
      expect(outcome).toMatch(/CT\.CLOUDWATCH\.PR\.1[\s\S]*Guarded\/Silent\/Resource/);
      expect(outcome).not.toMatch(/CT\.CLOUDWATCH\.PR\.3/);
    },
    GUARD_SYNTH_MS,
  );

  it('when controls are waived, then only the expected ones are, on the expected resources, each with its reason', () => {
    // Act
    const waived = guardReport(synth).suppressedViolations ?? [];
    // Assess
    expect([...new Set(waived.map(controlOf))].sort()).toEqual(Object.keys(EXPECTED_WAIVERS).sort());
    for (const violation of waived) {
      const control = controlOf(violation) as WaivedControl;
      expect(violation.ruleName).toBe(GUARD_RULES[control]);
      expect(violation.reason, control).toMatch(new RegExp(`^${control.replaceAll('.', '\\.')}: .{80,}`));
      for (const { constructPath } of violation.violatingConstructs) {
        expect(constructPath.replace(/^SmsSender\/SmsSender\//, ''), control).toMatch(
          EXPECTED_WAIVERS[control],
        );
      }
    }
  });

  it('when alarms are synthesised, then every one notifies the alarm topic on alarm and on recovery', () => {
    // Prepare
    const [topic] = Object.keys(synth.template.findResources('AWS::SNS::Topic'));
    // Act
    const alarms = Object.entries(synth.template.findResources('AWS::CloudWatch::Alarm') as Resources);
    // Assess
    expect(topic).toBeDefined();
    expect(alarms).toHaveLength(16);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.ActionsEnabled ?? true, id).toBe(true);
    }
    expect(synth.template.findOutputs('AlarmTopicArn').AlarmTopicArn?.Value).toEqual({ Ref: topic });
  });

  it('when e-mail addresses and an existing topic are given, then the alarms use that topic and the addresses subscribe to it', () => {
    // Prepare
    const topicArn = 'arn:aws:sns:eu-central-1:111111111111:ops';
    // Act
    const given = synthesise({
      context: { alarmTopicArn: topicArn, alarmEmail: 'ops@example.com,oncall@example.com' },
    });
    // Assess
    given.template.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = Object.values(given.template.findResources('AWS::CloudWatch::Alarm') as Resources);
    expect(alarms).toHaveLength(16);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
      expect(alarm.Properties.OKActions).toEqual([topicArn]);
    }
    const endpoints = Object.values(given.template.findResources('AWS::SNS::Subscription') as Resources).map(
      (subscription) => subscription.Properties,
    );
    expect(endpoints).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topicArn }),
      expect.objectContaining({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: topicArn }),
    ]);
  });

  it('when the API and the sweeper schedule invoke their Lambdas, then every invoke permission is scoped to its caller by SourceArn', () => {
    // Prepare
    const [restApi] = Object.keys(synth.template.findResources('AWS::ApiGateway::RestApi'));
    const [schedule] = Object.keys(synth.template.findResources('AWS::Events::Rule'));
    // Act
    const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission') as Resources);
    const fromApi = permissions.filter(
      ({ Properties }) => Properties.Principal === 'apigateway.amazonaws.com',
    );
    const others = permissions.filter(
      ({ Properties }) => Properties.Principal !== 'apigateway.amazonaws.com',
    );
    // Assess
    expect(fromApi).toHaveLength(6);
    for (const { Properties } of fromApi) {
      expect(JSON.stringify(Properties.SourceArn)).toContain(`{"Ref":"${restApi}"}`);
    }
    expect(others.map(({ Properties }) => [Properties.Principal, Properties.SourceArn])).toEqual([
      ['events.amazonaws.com', { 'Fn::GetAtt': [schedule, 'Arn'] }],
    ]);
  });

  it('when the API is synthesised, then the stack creates its execution log group, with retention, before the stage', () => {
    // Prepare
    const [restApi] = Object.keys(synth.template.findResources('AWS::ApiGateway::RestApi'));
    const groups = synth.template.findResources('AWS::Logs::LogGroup') as Resources;
    // Act
    const [executionLogs] = Object.entries(groups).filter(([, group]) =>
      JSON.stringify(group.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    );
    const stage = Object.values(synth.template.findResources('AWS::ApiGateway::Stage') as Resources)[0];
    // Assess
    expect(executionLogs?.[1].Properties).toMatchObject({
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApi }, '/prod']] },
      RetentionInDays: 365,
    });
    expect(stage?.DependsOn).toContain(executionLogs?.[0]);
    synth.template.resourceCountIs('AWS::ApiGateway::Account', 1);
    for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBe(365);
  });

  it('when a customer-managed key is given, then logs, tables and the alarm topic use it and log encryption passes unwaived', () => {
    // Prepare
    const keyArn = 'arn:aws:kms:eu-central-1:111111111111:key/0e6b2f5c-3c4d-4f5e-8a9b-0c1d2e3f4a5b';
    // Act
    const keyed = synthesise({ context: { encryptionKeyArn: keyArn } });
    // Assess: nothing waives log encryption any more (the main synth shows the waivers are what
    // lets it pass, so the control now runs unwaived on these groups), and cdk-nag stays clean.
    const waivers = acknowledgements(keyed.app).map((ack) => ack.rule);
    expect(waivers).not.toContain(guardRuleId('CT.CLOUDWATCH.PR.3'));
    expect(waivers).toContain(guardRuleId('CT.LAMBDA.PR.3'));
    expect(unacknowledgedFindings(keyed.app)).toEqual([]);
    for (const group of Object.values(keyed.template.findResources('AWS::Logs::LogGroup') as Resources)) {
      expect(group.Properties.KmsKeyId).toBe(keyArn);
    }
    for (const table of Object.values(keyed.template.findResources('AWS::DynamoDB::Table') as Resources)) {
      expect(table.Properties.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: keyArn,
      });
    }
    keyed.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
  });

  it('when the key is created in the same app, then its policy lets CloudWatch Logs and CloudWatch alarms use it', () => {
    // Act
    const owned = synthesise({
      override: (props, stack) => ({
        ...props,
        encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
      }),
    });
    // Assess
    expect(owned.stack.sender.keyPolicyManaged).toBe(true);
    const keys = Object.values(owned.template.findResources('AWS::KMS::Key') as Resources);
    const policy = keys[0]?.Properties.KeyPolicy as { Statement: { Sid?: string }[] } | undefined;
    const statements = policy?.Statement ?? [];
    expect(statements.map((statement) => statement.Sid)).toEqual(
      expect.arrayContaining(['CloudWatchLogsUse', 'CloudWatchAlarmsPublish']),
    );
  });
});
