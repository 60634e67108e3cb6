// The typed client of the SMS sender's HTTP API: `import { createClient } from 'smsc-aws-sender/client'`.

export { GATEWAY_PROBLEM_CODES, PROBLEM_CODES } from '#lambdas/api/http/problem-catalogue.ts';
export { type ClientOptions, createClient, type SmscClient } from './client.ts';
export { SmscApiError } from './errors.ts';
export type {
  AcceptedAnswer,
  BatchAnswer,
  BatchView,
  ClientProblemCode,
  MessageView,
  Problem,
  ProblemCode,
  SendBatchInput,
  SendMessageInput,
  SendOptions,
  SendResult,
} from './types.ts';
