import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';

// Which Control Tower rule files can say anything about a template. The cfn-guard binary evaluates
// every rule file against the whole template, about 37 ms each for this one: all 237 files took
// 9 s a synth (user 4.8 s, sys 4.2 s, mostly its allocator's mmap/munmap), and 42 of them name a
// resource type the template has. A rule selects resources by type (`Resources.*[ Type == ... ]`,
// the type a literal in the file), so one that names none of the template's types selects nothing
// and cannot fail: skipping it changes no outcome. A rule file that names no type at all is kept.

export interface GuardRule {
  /** The file's name without `.guard`, as the plugin's `disabledRules` takes it. */
  readonly name: string;
  readonly source: string;
}

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

export function resourceTypesNamed(ruleSource: string): ReadonlySet<string> {
  return new Set(ruleSource.match(RESOURCE_TYPE) ?? []);
}

/** The names of the rules that name resource types, none of which the templates have. */
export function rulesNotApplying(rules: readonly GuardRule[], templateTypes: ReadonlySet<string>): string[] {
  return rules
    .filter((rule) => {
      const named = resourceTypesNamed(rule.source);
      return named.size > 0 && ![...named].some((type) => templateTypes.has(type));
    })
    .map((rule) => rule.name);
}

/** Every resource type in the given CloudFormation templates. */
export function templateResourceTypes(templates: readonly unknown[]): Set<string> {
  const types = new Set<string>();
  for (const template of templates) {
    const resources = (template as { Resources?: Record<string, { Type?: unknown }> }).Resources ?? {};
    for (const resource of Object.values(resources)) {
      if (typeof resource.Type === 'string') types.add(resource.Type);
    }
  }
  return types;
}

/** The Control Tower rules the plugin runs by default, read from its npm package. */
export function controlTowerRules(): GuardRule[] {
  const require = createRequire(import.meta.url);
  const lib = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard'));
  return ruleFiles(join(lib, '..', 'rules', 'control-tower', 'cfn-guard')).map((path) => ({
    name: parse(path).name,
    source: readFileSync(path, 'utf8'),
  }));
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? ruleFiles(path) : [path];
  });
}
