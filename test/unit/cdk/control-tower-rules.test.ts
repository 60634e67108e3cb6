import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { describe, expect, it } from 'vitest';
import {
  controlTowerRules,
  type GuardRule,
  resourceTypesNamed,
  rulesNotApplying,
  templateResourceTypes,
} from '../../../cdk/control-tower-rules.ts';

// Which Control Tower rule files the synth skips: only those that name resource types, none of
// which the template has. That every control's outcome stays the same is checked end to end by
// test/infra/platform/control-tower.test.ts (no control fails, waivers only where expected, a
// failing control fails synth).

const bucketRule: GuardRule = {
  name: 'ct-s3-pr-1',
  source: [
    'let S3_BUCKET_TYPE = "AWS::S3::Bucket"',
    'let s3_buckets = Resources.*[ Type == %S3_BUCKET_TYPE ]',
    'rule s3_check when %s3_buckets !empty { %s3_buckets.Properties.VersioningConfiguration exists }',
  ].join('\n'),
};
const lambdaKeyRule: GuardRule = {
  name: 'ct-lambda-pr-9',
  source: [
    'let LAMBDA_FUNCTION_TYPE = "AWS::Lambda::Function"',
    'let referenced_resource_type = "AWS::KMS::Key"',
    'let functions = Resources.*[ Type == %LAMBDA_FUNCTION_TYPE ]',
  ].join('\n'),
};
const typelessRule: GuardRule = { name: 'ct-any-pr-1', source: 'rule any { Resources exists }' };

describe('Control Tower rules that apply to a template', () => {
  it('when a rule names its types in variables, then every literal type is found', () => {
    // Act
    const named = resourceTypesNamed(lambdaKeyRule.source);
    // Assess
    expect([...named].sort()).toEqual(['AWS::KMS::Key', 'AWS::Lambda::Function']);
  });

  it('when the template has none of the types a rule names, then that rule is skipped', () => {
    // Prepare
    const types = new Set(['AWS::Lambda::Function', 'AWS::SQS::Queue']);
    // Act
    const skipped = rulesNotApplying([bucketRule, lambdaKeyRule], types);
    // Assess
    expect(skipped).toEqual(['ct-s3-pr-1']);
  });

  it('when the template has only one of the types a rule names, then that rule runs', () => {
    // Prepare
    const types = new Set(['AWS::KMS::Key']);
    // Act
    const skipped = rulesNotApplying([lambdaKeyRule], types);
    // Assess
    expect(skipped).toEqual([]);
  });

  it('when a rule names no resource type, then it runs whatever the template holds', () => {
    // Act
    const skipped = rulesNotApplying([typelessRule], new Set());
    // Assess
    expect(skipped).toEqual([]);
  });

  it('when the app has several templates, then the types of all of them count', () => {
    // Prepare
    const api = { Resources: { Fn: { Type: 'AWS::Lambda::Function' }, Out: { Properties: {} } } };
    const consumer = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
    // Act
    const types = templateResourceTypes([api, consumer, {}]);
    // Assess
    expect([...types].sort()).toEqual(['AWS::Lambda::Function', 'AWS::SNS::Topic']);
  });

  it('when the rules are read from the plugin package, then they are the rules the plugin runs', () => {
    // Prepare
    const pluginRuleIds = new CfnGuardValidator().ruleIds;
    // Act
    const rules = controlTowerRules();
    // Assess: the plugin names a rule by its file name without `ct-` and dashes.
    const ids = rules.map((rule) => rule.name.replace('ct-', '').replace(/-/g, ''));
    expect(ids.sort()).toEqual([...(pluginRuleIds ?? [])].sort());
  });
});
