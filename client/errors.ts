import { PROBLEMS } from '#lambdas/api/http/problem-catalogue.ts';
import type { Problem } from './types.ts';

// Every failure the client reports is one class carrying a problem document, so a caller handles
// `error.problem.code` whether the API refused, API Gateway refused or the network failed.

export class SmscApiError extends Error {
  readonly problem: Problem;
  /** How many requests were made (1 + retries; 0 when the client refused to send it). */
  readonly attempts: number;
  /**
   * The last answer's Retry-After, in seconds: not before then may the request be made again. Set
   * also when the client gave up without retrying because the wait was too long for it.
   */
  readonly retryAfterSeconds: number | undefined;
  /**
   * `send`: the Idempotency-Key its attempts carried, the one drawn for you included. After
   * `network_error`, a 5xx or a 2xx `unexpected_response` (an answer taken, but not readable) the
   * message may have been taken: resend with this key, never a new one.
   */
  readonly idempotencyKey: string | undefined;

  constructor(problem: Problem, attempts: number, retryAfterSeconds?: number, idempotencyKey?: string) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = 'SmscApiError';
    this.problem = problem;
    this.attempts = attempts;
    this.retryAfterSeconds = retryAfterSeconds;
    this.idempotencyKey = idempotencyKey;
  }

  /** The same failure, naming the Idempotency-Key its request carried. */
  withIdempotencyKey(key: string): SmscApiError {
    return new SmscApiError(this.problem, this.attempts, this.retryAfterSeconds, key);
  }
}

const PROBLEM_TYPE_PREFIX = 'tag:smsc-aws-sender,2025:problems/';

export function clientProblem(
  code: 'network_error' | 'unexpected_response',
  status: number,
  detail: string,
): Problem {
  return {
    type: PROBLEM_TYPE_PREFIX + code,
    title: code === 'network_error' ? 'No answer from the API' : 'Unexpected answer from the API',
    status,
    detail,
    code,
  };
}

/**
 * The API's own 400 for an Idempotency-Key it would refuse (its catalogue entry), made by the client
 * when it refuses the key before sending: a key no header can carry would never reach the API.
 */
export function invalidIdempotencyKeyProblem(): Problem {
  const code = 'invalid_idempotency_key';
  const { title, status, detail, errors } = PROBLEMS[code];
  return {
    type: PROBLEM_TYPE_PREFIX + code,
    title,
    status,
    detail: `${detail} Nothing was sent.`,
    code,
    errors: errors.map((issue) => ({ ...issue, path: [...issue.path] })),
  };
}

/** The problem in an error answer: the API's own document, or one made from whatever came back. */
export function problemOf(status: number, contentType: string | null, text: string): Problem {
  if (contentType?.includes('json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      // The answer's own status: API Gateway's catch-all answers carry none in their body.
      if (isProblem(parsed)) return { ...parsed, status };
      // API Gateway's own refusals are `{"message": "..."}`.
      const message =
        typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'message') : undefined;
      if (typeof message === 'string') return clientProblem('unexpected_response', status, message);
    } catch {
      // Not JSON after all: described below.
    }
  }
  return clientProblem('unexpected_response', status, `HTTP ${status}: ${text.slice(0, 200)}`);
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const { code, title } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof title === 'string';
}
