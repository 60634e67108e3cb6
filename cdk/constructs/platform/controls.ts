import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

// AWS Control Tower proactive controls, checked at synth by CloudFormation Guard through the
// @cdklabs/cdk-validator-cfnguard plugin (cdk/app.ts). A control that does not fit this design is
// waived on the construct it concerns, with its reason, the way cdk-nag findings are acknowledged:
// CDK drops a plugin violation whose resource sits under a construct that acknowledged
// `<plugin>::<guard rule>`, so a waiver never hides the same control on another resource.

/** The plugin's name, which CDK uses as the namespace of its rule ids. */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** The Guard rule behind each control this stack waives somewhere (rules/control-tower in the plugin). */
export const GUARD_RULES = {
  'CT.CLOUDWATCH.PR.3': 'cloudwatch_log_group_encrypted_check',
  'CT.ECS.PR.2': 'ecs_container_insights_enabled_check',
  'CT.LAMBDA.PR.2': 'lambda_function_public_access_prohibited_check',
  'CT.LAMBDA.PR.3': 'lambda_inside_vpc_check',
} as const;

export type WaivedControl = keyof typeof GUARD_RULES;

/** The id CDK reports a violation under, and an acknowledgement must name. */
export function guardRuleId(control: WaivedControl): string {
  return `${GUARD_PLUGIN}::${GUARD_RULES[control]}`;
}

/** Waives `control` for every resource under `scope`; the reason is part of the synthesised metadata. */
export function waiveControl(scope: IConstruct, control: WaivedControl, reason: string): void {
  Validations.of(scope).acknowledge({ id: guardRuleId(control), reason: `${control}: ${reason}` });
}
