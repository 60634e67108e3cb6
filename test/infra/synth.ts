import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { inject } from 'vitest';
import { senderPropsFromContext } from '../../cdk/app-config.ts';
import { controlTowerChecks } from '../../cdk/checks.ts';
import type { SmsSenderProps } from '../../cdk/constructs/props.ts';
import { PROJECT_ROOT } from '../../cdk/paths.ts';
import { SmsSenderStack } from '../../cdk/stack.ts';

// Builds the stack the way `cdk synth` does (cdk.json's feature flags, context defaults from
// cdk/app-config.ts) into a temporary cloud assembly. Each test file synthesises once (beforeAll).

export interface Synthesised {
  readonly app: App;
  readonly stack: SmsSenderStack;
  readonly template: Template;
  /** The cloud assembly directory (bundled Lambda code and the staged Docker context are here). */
  readonly outdir: string;
}

export interface SynthOptions {
  /** Extra CDK context, as `cdk synth -c key=value` would give. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Changes to the props built from context. */
  readonly override?: (props: SmsSenderProps, stack: Stack) => SmsSenderProps;
  /**
   * Run esbuild for the Lambdas. Off for files that only look at configuration: CDK then uses
   * placeholder code and the synth takes well under a second.
   */
  readonly bundle?: boolean;
  /**
   * Run CDK's built-in CloudFormation schema and rule validation, as `cdk synth` does. It loads every
   * resource schema (seconds on a cold process), so one test file does it and the others skip it.
   */
  readonly validateTemplate?: boolean;
  /**
   * Run the AWS Control Tower proactive controls (cfn-guard) as `cdk synth` does, a few seconds.
   * A failing control that no construct waived throws with CDK's report (under a test runner CDK
   * synthesises "in memory" and throws, where the CLI would print and exit 1); waived ones are in
   * readValidationReport(outdir).
   */
  readonly controlTower?: boolean;
  /** Adds more to the app (another team's stack using the sender) before it is synthesised. */
  readonly extend?: (app: App, stack: SmsSenderStack) => void;
}

const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** A synth through cfn-guard takes a few seconds alone, several times that on a busy 2-core runner. */
export const GUARD_SYNTH_MS = 90_000;

/** A temporary cloud assembly directory, removed when the test run ends (test/infra/synth-dir.ts). */
export function assemblyDir(): string {
  return mkdtempSync(join(inject('synthDir'), 'cdk-'));
}

export function synthesise(options: SynthOptions = {}): Synthesised {
  const outdir = assemblyDir();
  const app = new App({
    outdir,
    builtinCloudFormationValidation: options.validateTemplate ?? false,
    context: {
      ...cdkJson.context,
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const read = (key: string): unknown => app.node.tryGetContext(key);
  const stack = new SmsSenderStack(app, 'SmsSender', {
    sender: (scope) => {
      const props = senderPropsFromContext(scope, read);
      return options.override ? options.override(props, scope) : props;
    },
  });
  options.extend?.(app, stack);
  if (options.controlTower) Validations.of(app).addPlugins(controlTowerChecks());
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}

/** A violation, reported or waived, as CDK writes it to validation-report.json. */
export interface ReportedViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
  /** Set on a waived (acknowledged) violation. */
  readonly reason?: string;
}

export interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly ReportedViolation[];
    readonly suppressedViolations?: readonly ReportedViolation[];
  }[];
}

/** The report CDK writes into the assembly when validation plugins ran; undefined if none ran. */
export function readValidationReport(outdir: string): ValidationReport | undefined {
  const path = join(outdir, 'validation-report.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ValidationReport) : undefined;
}

/** Every IAM policy statement in the template, with the logical id of its policy. */
export interface FoundStatement {
  readonly policy: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export function policyStatements(template: Template): FoundStatement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Omit<FoundStatement, 'policy'>[] } } }
  >;
  return Object.entries(policies).flatMap(([policy, resource]) =>
    resource.Properties.PolicyDocument.Statement.map((statement) => ({ policy, ...statement })),
  );
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** cdk-nag AwsSolutions findings that no `Validations.of(…).acknowledge` covers. */
export function unacknowledgedFindings(scope: IConstruct): { rule: string; paths: string[] }[] {
  return new AwsSolutionsChecks().validateScope(scope).violations.map((violation) => ({
    rule: violation.ruleName,
    paths: violation.violatingResources.map(
      (resource) => resource.constructPath ?? resource.resourceLogicalId ?? '(unknown)',
    ),
  }));
}

export interface FoundAcknowledgement {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/** Every acknowledged (suppressed) rule in the tree, with the construct it is on and its reason. */
export function acknowledgements(scope: IConstruct): FoundAcknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({
          path: construct.node.path,
          rule,
          reason,
        })),
      ),
  );
}
