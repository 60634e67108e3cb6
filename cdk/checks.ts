import { readFileSync } from 'node:fs';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
} from 'aws-cdk-lib';
import {
  controlTowerRules,
  type GuardRule,
  rulesNotApplying,
  templateResourceTypes,
} from './control-tower-rules.ts';

// The AWS Control Tower proactive controls (CloudFormation Guard rules and the cfn-guard binary,
// both shipped in the npm package, so synth needs no network). Every control that concerns a resource
// type of the template runs (control-tower-rules.ts); the constructs waive the few that do not fit,
// per resource and with a reason (cdk/constructs/platform/controls.ts).

/** cfn-guard's JSON report for this template is about 0.5 MB; Node's 1 MB default leaves little room. */
const GUARD_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * The plugin, with every violation marked `error`. The plugin leaves severity unset; CDK shows that
 * as an error, but once any violation of a report is acknowledged it re-decides the report's success
 * from the remaining violations' severities and counts an unset one as no error, so one waiver
 * anywhere would let every other failing control pass synth.
 */
class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  private readonly guard = new CfnGuardValidator({ maxBuffer: GUARD_OUTPUT_BYTES });
  private rules: GuardRule[] | undefined;
  // The same name: CDK namespaces rule ids with it, and the constructs' waivers name those ids.
  readonly name = this.guard.name;
  readonly version = this.guard.version;
  readonly ruleIds = this.guard.ruleIds;

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    // Only the rules that name a resource type the templates have (control-tower-rules.ts says why).
    this.rules ??= controlTowerRules();
    const templates = context.templatePaths.map((path) => JSON.parse(readFileSync(path, 'utf8')) as unknown);
    const skipped = rulesNotApplying(this.rules, templateResourceTypes(templates));
    if (skipped.length === this.rules.length) return { success: true, violations: [] };
    const guard = new CfnGuardValidator({ maxBuffer: GUARD_OUTPUT_BYTES, disabledRules: skipped });
    const report = guard.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({
        ...violation,
        severity: violation.severity ?? 'error',
      })),
    };
  }
}

export function controlTowerChecks(): IPolicyValidationPluginBeta1 {
  return new ControlTowerChecks();
}
