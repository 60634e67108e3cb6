import { randomUUID } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { IDEMPOTENCY_KEY_PATTERN } from '#core/domain/requests/request-options.ts';
import type { BackoffPolicy } from '#core/support/backoff.ts';
import { invalidIdempotencyKeyProblem, SmscApiError } from './errors.ts';
import { isLocalEndpoint, regionOfEndpoint, sigV4Signer } from './signing.ts';
import {
  type AnswerShape,
  type ApiRequest,
  DEFAULT_BACKOFF,
  exchange,
  RETRY_TRANSIENT,
  type RetryOn,
  type TransportOptions,
} from './transport.ts';
import type {
  AcceptedAnswer,
  BatchAnswer,
  BatchView,
  MessageView,
  SendBatchInput,
  SendMessageInput,
  SendOptions,
  SendResult,
} from './types.ts';

export interface ClientOptions {
  /** The API's base URL: `http://127.0.0.1:3000` locally, the stage URL of a deployed stack. */
  endpoint: string;
  /**
   * `auto` (default): unsigned for a loopback endpoint (the local stack), SigV4 otherwise.
   */
  signing?: 'auto' | 'sigv4' | 'none';
  /** Default: from an execute-api host name, else AWS_REGION / AWS_DEFAULT_REGION. */
  region?: string;
  /** A named profile of the shared AWS config files, as `--profile` for the AWS CLI. */
  profile?: string;
  /** Default: the AWS SDK's standard chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Retries after the first attempt (default 4), spaced by `backoff` (and Retry-After). */
  retries?: number;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface SmscClient {
  /** POST /v1/messages with an Idempotency-Key, the same on every retry. */
  send(message: SendMessageInput, options?: SendOptions): Promise<SendResult>;
  /**
   * POST /v1/batches. Batches have no idempotency, so only answers that say nothing was queued
   * (503 enqueue_failed, 429 throttling) are retried; after any other failure the batch may or may
   * not have been taken, and a blind retry could send it twice.
   */
  sendBatch(batch: SendBatchInput): Promise<BatchAnswer>;
  /** `signal`: the caller's own limit on the read, retries included (its reason is thrown). */
  get(id: string, options?: { signal?: AbortSignal }): Promise<MessageView>;
  getBatch(batchId: string): Promise<BatchView>;
  readonly endpoint: string;
  readonly signed: boolean;
}

/** Retrying a batch is safe only when the API says nothing of it was queued. */
const RETRY_BATCH: RetryOn = ({ status, code }) => status === 429 || code === 'enqueue_failed';

export function createClient(options: ClientOptions): SmscClient {
  const baseUrl = endpointUrl(options.endpoint);
  const signing = options.signing ?? 'auto';
  const signed = signing === 'sigv4' || (signing === 'auto' && !isLocalEndpoint(baseUrl));
  let signer: TransportOptions['signer'];
  if (signed) {
    const region =
      options.region ?? regionOfEndpoint(baseUrl) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new Error(`no AWS region for ${baseUrl.host}: give one (region option, --region or AWS_REGION)`);
    }
    signer = sigV4Signer({
      region,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
    });
  }
  const transport: TransportOptions = {
    baseUrl,
    ...(signer ? { signer } : {}),
    retries: options.retries ?? 4,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    timeoutMs: options.timeoutMs ?? 30_000,
    fetch: options.fetch ?? fetch,
  };
  const call = async <T>(request: ApiRequest<T>) => exchange<T>(transport, request);

  return {
    endpoint: baseUrl.href,
    signed,
    async send(message, sendOptions = {}) {
      const idempotencyKey = sendOptions.idempotencyKey ?? randomUUID();
      // The API's rule: a key it would refuse, or one no header can carry (fetch refuses it), is not sent.
      if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
        throw new SmscApiError(invalidIdempotencyKeyProblem(), 0);
      }
      const answer = await call({
        method: 'POST',
        path: '/v1/messages',
        body: message,
        headers: { 'idempotency-key': idempotencyKey },
        retryOn: RETRY_TRANSIENT,
        answer: ACCEPTED_ANSWER,
      }).catch((error: unknown) => {
        // A key drawn here is lost with the failure otherwise, and a resend under a new one may
        // send the message twice.
        throw error instanceof SmscApiError ? error.withIdempotencyKey(idempotencyKey) : error;
      });
      return {
        ...answer.body,
        replayed: answer.headers.get('idempotent-replayed') === 'true',
        idempotencyKey,
      };
    },
    async sendBatch(batch) {
      return (
        await call({
          method: 'POST',
          path: '/v1/batches',
          body: batch,
          retryOn: RETRY_BATCH,
          answer: BATCH_ANSWER,
        })
      ).body;
    },
    async get(id, readOptions = {}) {
      const path = `/v1/messages/${encodeURIComponent(id)}`;
      const signal = readOptions.signal ? { signal: readOptions.signal } : {};
      return (await call({ method: 'GET', path, retryOn: RETRY_TRANSIENT, answer: MESSAGE_VIEW, ...signal }))
        .body;
    },
    async getBatch(batchId) {
      const path = `/v1/batches/${encodeURIComponent(batchId)}`;
      return (await call({ method: 'GET', path, retryOn: RETRY_TRANSIENT, answer: BATCH_VIEW })).body;
    },
  };
}

// The fields a caller goes by in each answer, checked before it is returned as the API's: a send's
// result without an id would be journalled as sent by `batch` and printed as "undefined" by `send`.
// The rest of each answer is the API's to shape; the types say what it holds.

const ACCEPTED_ANSWER: AnswerShape<AcceptedAnswer> = {
  is: (body): body is AcceptedAnswer => hasFields(body, { id: 'string', status: 'string' }) && body.id !== '',
  expected: 'message id and status',
};

const BATCH_ANSWER: AnswerShape<BatchAnswer> = {
  is: (body): body is BatchAnswer =>
    hasFields(body, { batchId: 'string', accepted: 'number' }) && Array.isArray(body.rejected),
  expected: 'batchId, accepted and rejected',
};

const MESSAGE_VIEW: AnswerShape<MessageView> = {
  is: (body): body is MessageView =>
    hasFields(body, { id: 'string', status: 'string' }) && Array.isArray(body.history),
  expected: 'message id, status and history',
};

const BATCH_VIEW: AnswerShape<BatchView> = {
  is: (body): body is BatchView =>
    hasFields(body, { batchId: 'string', total: 'number', counts: 'object' }) && body.counts !== null,
  expected: 'batchId, total and counts',
};

function hasFields(
  body: unknown,
  fields: Record<string, 'string' | 'number' | 'object'>,
): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return false;
  const record = body as Record<string, unknown>;
  return Object.entries(fields).every(([name, type]) => typeof record[name] === type);
}

/**
 * The endpoint as a URL, refused unless http: or https: with a host: "localhost:3000" parses as a URL
 * of scheme "localhost:", which would be taken for a deployed stack and end in an error about regions.
 */
function endpointUrl(endpoint: string): URL {
  const url = apiUrlOf(endpoint);
  if (!url) {
    throw new TypeError(
      `endpoint must be the API's http:// or https:// URL, e.g. http://127.0.0.1:3000 (got "${withoutUserInfo(endpoint)}")`,
    );
  }
  return url;
}

/** The endpoint as an http: or https: URL with a host; undefined for anything else. */
export function apiUrlOf(endpoint: string): URL | undefined {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  return url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
    ? url
    : undefined;
}

/** The endpoint as an error may quote it: what precedes an "@" may be a password. */
export function withoutUserInfo(endpoint: string): string {
  return endpoint.replace(/[^/@]+@/, '…@');
}
