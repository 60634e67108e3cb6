import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

// Lambda refuses a function whose environment variables (names and values) exceed 4 KB, but only
// at deploy, half-way through a stack update. This estimates the size at synth, where values
// CloudFormation fills in (queue URLs, ARNs, names) are counted at their longest, so a synth that
// passes cannot fail at deploy for this (SMPP_ACCOUNTS_JSON and ACCOUNT_QUEUES grow with accounts).

export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4 * 1024;

/**
 * A value CloudFormation fills in, at its longest: a queue URL (`https://sqs.<region>.amazonaws.com/`,
 * a 12-digit account and an 80-character name) is 130 bytes; ARNs and table names are shorter.
 */
const INTRINSIC_BYTES = 140;

/** Pseudo parameters at their longest (`aws-us-gov`, `ap-southeast-4`). */
const PSEUDO_BYTES: Readonly<Record<string, number>> = {
  'AWS::Partition': 10,
  'AWS::Region': 14,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 13,
};

/** Bytes of a resolved CloudFormation value, with what CloudFormation fills in at its longest. */
export function estimatedBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const parts = join[1] as unknown[];
      return (
        parts.reduce<number>((sum, part) => sum + estimatedBytes(part), 0) +
        join[0].length * (parts.length - 1)
      );
    }
    const ref = record.Ref;
    if (typeof ref === 'string' && PSEUDO_BYTES[ref] !== undefined) return PSEUDO_BYTES[ref];
  }
  return INTRINSIC_BYTES;
}

/** The problem with `fn`'s environment, if its estimated size exceeds Lambda's limit. */
export function environmentSizeProblems(fn: lambda.Function): string[] {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  // The L1 property, resolved: `variables` in the property's own casing, not CloudFormation's.
  const resolved = Stack.of(fn).resolve(cfn.environment) as
    | { variables?: Record<string, unknown> }
    | undefined;
  const sizes = Object.entries(resolved?.variables ?? {}).map(
    ([name, value]) => [name, Buffer.byteLength(name, 'utf8') + estimatedBytes(value)] as const,
  );
  const total = sizes.reduce((sum, [, size]) => sum + size, 0);
  if (total <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
  const largest = [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, size]) => `${name} ${size} B`)
    .join(', ');
  return [
    `the environment of ${fn.node.path} takes up to ${total} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte limit (largest: ${largest}); list fewer accounts, or fewer senders, prefixes and principals per account`,
  ];
}
