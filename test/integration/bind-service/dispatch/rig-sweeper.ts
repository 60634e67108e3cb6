import { loadSweeperConfig } from '#lambdas/sweeper/config.ts';
import { createSweeper, type Sweeper } from '#lambdas/sweeper/run.ts';
import type { LocalAws } from '#test/helpers/aws/local-aws.ts';
import type { Rig } from './fixtures.ts';

/** The sweeper Lambda's code over a rig's table and queues, quiet; `clock` moves its "now". */
export function rigSweeper(aws: LocalAws, rig: Rig, clock?: () => Date): Sweeper {
  const config = loadSweeperConfig({
    MESSAGES_TABLE: rig.tables.messages,
    URGENT_QUEUE_URL: rig.queues.urgent,
    BULK_QUEUE_URL: rig.queues.bulk,
    AWS_REGION: aws.region,
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
  });
  return createSweeper(config, () => {}, clock);
}
