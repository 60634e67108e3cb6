// Vitest global setup: one DynamoDB Local for the whole run instead of one JVM per test file.
// Starting a JVM costs ~2-4 s, and a fresh one answers slowly until its JIT has warmed up, so
// sharing one saves minutes of CI. Test files stay independent: each takes tables under a fresh
// name prefix (test/helpers/aws/local-aws.ts, the local stack fixture). Files that need a database of
// their own (to stop or break it) still start one.
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared DynamoDB Local, e.g. http://127.0.0.1:41234. */
    sharedDynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDynamoDbLocal();
  project.provide('sharedDynamoEndpoint', server.endpoint);
  return () => server.stop();
}
