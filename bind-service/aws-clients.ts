// The bind-service's AWS clients. The login lease has a DynamoDB client of its own: when the store
// is saturated, the message writes fill the main client's sockets (50) and its agent queues the rest;
// a renewal sent on that client would wait behind thousands of them, time out (the request timeout
// runs from the send, queue included), drain the client's retry quota and cost the task its login
// although DynamoDB itself would have answered it in time. On its own agent a renewal only waits for
// DynamoDB.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients, createSqsClient, type DynamoDbClients } from '#core/aws/clients.ts';

/** A renewal every ttl/6 and an acquire or release now and then: two sockets are plenty. */
const LEASE_SOCKETS = 2;

export interface BindServiceClients {
  /** Messages, inbound, anti-loop: the grouped and the single calls of the hot path. */
  dynamo: DynamoDbClients;
  /** The login lease only (LeaseRepository): its own sockets, queue and retry quota. */
  leaseDocument: DynamoDBDocumentClient;
  sqs: SQSClient;
  /** Closes every socket of every client. */
  destroy(): void;
}

export function createBindServiceClients(aws: {
  region: string;
  endpoints: { dynamodb?: string; sqs?: string };
}): BindServiceClients {
  const { region, endpoints } = aws;
  const dynamodb = { region, ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}) };
  const dynamo = createDynamoDbClients(dynamodb);
  const lease = createDynamoDbClients({ ...dynamodb, maxSockets: LEASE_SOCKETS });
  const sqs = createSqsClient({ region, ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}) });
  return {
    dynamo,
    leaseDocument: lease.document,
    sqs,
    destroy: () => {
      for (const client of [dynamo.document, dynamo.dynamo, lease.document, lease.dynamo, sqs]) {
        client.destroy();
      }
    },
  };
}
