import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type {
  GlobalSecondaryIndexDefinition,
  KeyDefinition,
  QueueDefinition,
  TableDefinition,
} from '#core/aws/resources/resource-definitions.ts';

// The CDK side of core/aws/resource-definitions.ts: the local stack builds SDK inputs from the same
// objects (create-table-input.ts), so keys, indexes, TTL, streams and redrive limits cannot drift
// between a laptop and AWS. Only what AWS adds on top (PITR, SSE, TLS-only) is decided here.

const ATTRIBUTE_TYPE = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER } as const;

const STREAM_VIEW = {
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
  OLD_IMAGE: dynamodb.StreamViewType.OLD_IMAGE,
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  KEYS_ONLY: dynamodb.StreamViewType.KEYS_ONLY,
} as const;

function attribute(key: KeyDefinition): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPE[key.type] };
}

/**
 * Encrypted with a KMS key (CT.DYNAMODB.PR.2): the AWS-managed `aws/dynamodb` key by default (no key
 * fee, no key policy), or the customer-managed `encryptionKey`.
 */
export function toTableProps(def: TableDefinition, encryptionKey?: kms.IKey): dynamodb.TableProps {
  return {
    partitionKey: attribute(def.partitionKey),
    ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: def.ttlAttribute,
    ...(def.stream ? { stream: STREAM_VIEW[def.stream] } : {}),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(encryptionKey
      ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey }
      : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
    // Message history is the product's record of what was sent: a stack deletion must not take it.
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

export function toGlobalSecondaryIndexProps(
  index: GlobalSecondaryIndexDefinition,
): dynamodb.GlobalSecondaryIndexProps {
  const projection = index.projection;
  return {
    indexName: index.indexName,
    partitionKey: attribute(index.partitionKey),
    ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
    ...(projection.type === 'INCLUDE'
      ? {
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...projection.nonKeyAttributes],
        }
      : { projectionType: dynamodb.ProjectionType[projection.type] }),
  };
}

/** Encrypted at rest with SQS-owned keys (no KMS key to pay for or grant) and reachable over TLS only. */
const QUEUE_SECURITY = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;

/**
 * Declares a queue a dead-letter queue, which CT.SQS.PR.1 accepts instead of a DLQ of its own.
 * `allowAll` is what SQS applies without a policy, so this changes no behaviour; `byQueue` naming
 * the source queue would make the two queues' ARNs depend on each other.
 */
const DEAD_LETTER_QUEUE = { redrivePermission: sqs.RedrivePermission.ALLOW_ALL } as const;

/**
 * The `Failures` queue of a construct whose failed invocations or records land there (an on-failure
 * destination): kept 14 days, marked as the dead-letter destination it is. `destinationOf` says whose,
 * in the cdk-nag acknowledgement.
 */
export function createFailureQueue(scope: Construct, destinationOf: string): sqs.Queue {
  const queue = new sqs.Queue(scope, 'Failures', {
    ...QUEUE_SECURITY,
    retentionPeriod: Duration.days(14),
    redriveAllowPolicy: DEAD_LETTER_QUEUE,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself a dead-letter destination (${destinationOf}); nothing consumes it automatically, so it needs no DLQ of its own. Its depth is alarmed.`,
  });
  return queue;
}

export function toDeadLetterQueueProps(def: QueueDefinition): sqs.QueueProps {
  return {
    ...QUEUE_SECURITY,
    redriveAllowPolicy: DEAD_LETTER_QUEUE,
    retentionPeriod: Duration.seconds(def.dlq.messageRetentionSeconds),
    maxMessageSizeBytes: def.maxMessageSizeBytes,
  };
}

/**
 * The queue's props; `minVisibilitySeconds` raises (never lowers) the shared visibility timeout when
 * the bind-service's settings need longer to answer one received batch (see bind-limits.ts).
 */
export function toQueueProps(
  def: QueueDefinition,
  deadLetterQueue: sqs.IQueue,
  minVisibilitySeconds: number,
): sqs.QueueProps {
  return {
    ...QUEUE_SECURITY,
    visibilityTimeout: Duration.seconds(Math.max(def.visibilityTimeoutSeconds, minVisibilitySeconds)),
    retentionPeriod: Duration.seconds(def.messageRetentionSeconds),
    maxMessageSizeBytes: def.maxMessageSizeBytes,
    receiveMessageWaitTime: Duration.seconds(def.receiveWaitTimeSeconds),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
  };
}
