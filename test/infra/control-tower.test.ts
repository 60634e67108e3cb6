import { Duration, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { GUARD_PLUGIN, GUARD_RULES, type WaivedControl } from '../../cdk/constructs/controls.ts';
import type { SmsSenderProps } from '../../cdk/constructs/props.ts';
import {
  type ReportedViolation,
  readValidationReport,
  type Synthesised,
  synthesise,
  unacknowledgedFindings,
} from './synth.ts';

// The AWS Control Tower proactive controls, run through the cfn-guard CDK plugin exactly as
// `cdk synth` runs them: none fails, and the few waived ones are waived only where expected, each
// with its reason. Then what the fixed controls protect: every alarm reaches a person.

/** A synth through cfn-guard takes a few seconds alone, several times that on a busy 2-core runner. */
const GUARD_SYNTH_MS = 90_000;

type Resources = Record<string, { Properties: Record<string, unknown>; DependsOn?: string[] }>;

/** The controls this stack waives, and the construct paths (under SmsSender/SmsSender/) they cover. */
const EXPECTED_WAIVERS: Readonly<Record<WaivedControl, RegExp>> = {
  'CT.CLOUDWATCH.PR.3': /\/(Logs|FlowLogs|AccessLogs|ExecutionLogs)\/Resource$/,
  'CT.ECS.PR.2': /^BindService\/Cluster\/Resource$/,
  'CT.LAMBDA.PR.2': /^Api\/Api\/Default\/.+\/ApiPermission\./,
  'CT.LAMBDA.PR.3': /^(ApiHandler|StatusStream\/Handler)\/Function\/Resource$/,
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

  it('when the app is synthesised through the cfn-guard plugin, then no control fails', () => {
    // Act
    const report = guardReport(synth);
    // Assess
    expect(report.violations).toEqual([]);
    expect(report.conclusion).toBe('success');
  });

  it(
    'when a control fails on a resource no waiver covers, then synthesis fails although other controls are waived',
    () => {
      // Prepare: an alarm without actions, next to the stack's waived resources.
      const addSilentAlarm = (props: SmsSenderProps, stack: Stack): SmsSenderProps => {
        const metric = new cloudwatch.Metric({
          namespace: 'Test',
          metricName: 'Silent',
          period: Duration.minutes(1),
        });
        metric.createAlarm(stack, 'Silent', { threshold: 1, evaluationPeriods: 1 });
        return props;
      };
      // Act
      const act = () => synthesise({ controlTower: true, override: addSilentAlarm });
      // Assess
      expect(act).toThrow(/CT\.CLOUDWATCH\.PR\.1[\s\S]*SmsSender\/Silent\/Resource/);
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
    expect(alarms).toHaveLength(12);
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
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    const endpoints = Object.values(given.template.findResources('AWS::SNS::Subscription') as Resources).map(
      (subscription) => subscription.Properties,
    );
    expect(endpoints).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topicArn }),
      expect.objectContaining({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: topicArn }),
    ]);
  });

  it('when the API invokes its Lambda, then every invoke permission is scoped to this API by SourceArn', () => {
    // Prepare
    const [restApi] = Object.keys(synth.template.findResources('AWS::ApiGateway::RestApi'));
    // Act
    const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission') as Resources);
    // Assess
    expect(permissions).toHaveLength(6);
    for (const { Properties } of permissions) {
      expect(Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(Properties.SourceArn)).toContain(`{"Ref":"${restApi}"}`);
    }
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

  it(
    'when a customer-managed key is given, then logs, tables and the alarm topic use it and log encryption passes unwaived',
    () => {
      // Prepare
      const keyArn = 'arn:aws:kms:eu-central-1:111111111111:key/0e6b2f5c-3c4d-4f5e-8a9b-0c1d2e3f4a5b';
      // Act
      const keyed = synthesise({ controlTower: true, context: { encryptionKeyArn: keyArn } });
      // Assess
      const waived = (guardReport(keyed).suppressedViolations ?? []).map(controlOf);
      expect(waived).not.toContain('CT.CLOUDWATCH.PR.3');
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
    },
    GUARD_SYNTH_MS,
  );

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
