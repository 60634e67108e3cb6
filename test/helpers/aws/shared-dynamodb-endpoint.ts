import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { expect, inject } from 'vitest';

/**
 * This test file's DynamoDB Local among the run's shared ones (test/shared-dynamodb.ts), chosen by
 * its path in the repository, so a rerun puts it in the same database; undefined when the run
 * shares none (the fault suite's config). Call it inside a hook or a test, where the file's path is
 * known.
 */
export function sharedDynamoEndpoint(): string | undefined {
  const endpoints = inject('sharedDynamoEndpoints');
  if (!endpoints || endpoints.length === 0) return undefined;
  const path = relative(process.cwd(), expect.getState().testPath ?? '');
  return endpoints[createHash('sha256').update(path).digest().readUInt32BE(0) % endpoints.length];
}
