import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

// The AWS Control Tower proactive controls (CloudFormation Guard rules and the cfn-guard binary,
// both shipped in the npm package, so synth needs no network). Every control runs; the constructs
// waive the few that do not fit, per resource and with a reason (cdk/constructs/controls.ts).

/** cfn-guard's JSON report for this template is about 0.5 MB; Node's 1 MB default leaves little room. */
const GUARD_OUTPUT_BYTES = 16 * 1024 * 1024;

export function controlTowerChecks(): CfnGuardValidator {
  return new CfnGuardValidator({ maxBuffer: GUARD_OUTPUT_BYTES });
}
