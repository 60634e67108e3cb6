import { ANTI_LOOP_ERRORS } from '#core/domain/provider/anti-loop.ts';
import type { ValidationIssue } from '#core/domain/requests/validation-issues.ts';
import type { UnknownStore } from '../use-cases/accept-batch.ts';

// Every 4xx/5xx answer is an RFC 9457 problem document with our own machine-readable `code` (stable
// across releases, unlike `title`/`detail`, which are for people) and, for input faults, the list of
// issues with the path of each field at fault.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

// RFC 9457 wants `type` to be a URI that identifies the problem; tag: URIs (RFC 4151) are meant for
// minting identifiers without promising a page behind them, so nothing tempts a client to fetch one.
const PROBLEM_TYPE_PREFIX = 'tag:smsc-aws-sender,2025:problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: ValidationIssue[];
  [extension: string]: unknown;
}

export interface ProblemInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: ValidationIssue[];
  /** Extra response headers (Allow, Retry-After). */
  headers?: Record<string, string>;
  /** Extension members, e.g. the rejected entries of a batch. */
  extensions?: Record<string, unknown>;
}

/**
 * Thrown by request parsing and mapped to its answer by the app's error handler. Deliberately not an
 * AppError: it is not a failure for a caller to decide on but the HTTP answer already decided (its
 * status and problem code), carried out of a parser to the handler that writes it. Under AppError a
 * 400 would count among the system's failures in logs and metrics.
 */
export class ApiProblem extends Error {
  readonly init: ProblemInit;

  constructor(init: ProblemInit) {
    super(init.detail);
    this.name = 'ApiProblem';
    this.init = init;
  }
}

export function problemResponse(init: ProblemInit): Response {
  const body: ProblemBody = {
    type: PROBLEM_TYPE_PREFIX + init.code,
    title: init.title,
    status: init.status,
    detail: init.detail,
    code: init.code,
    ...(init.errors ? { errors: init.errors } : {}),
    ...init.extensions,
  };
  return new Response(JSON.stringify(body), {
    status: init.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...init.headers },
  });
}

/** A 400 for input that parsed but does not fit the schema or the kind's rules. */
export function validationProblem(issues: ValidationIssue[]): ProblemInit {
  const first = issues[0];
  return {
    status: 400,
    code: 'validation_failed',
    title: 'The request is not valid',
    detail:
      issues.length === 1 && first ? first.message : `${issues.length} fields are not valid; see "errors".`,
    errors: issues,
  };
}

/** Retry-After for answers the caller should simply repeat (503). */
export const RETRY_AFTER_SECONDS = 2;

export function serviceUnavailableProblem(code: string, detail: string): ProblemInit {
  return {
    status: 503,
    code,
    title: 'Service temporarily unavailable',
    detail,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  };
}

/**
 * Storing failed and so did marking it failed: whether the message (or some of the batch) was stored
 * is not known, and if it was, the sweeper sends it. No Retry-After: a blind resend may be a copy.
 */
export function storeOutcomeUnknownProblem(stored: { messageId: string } | UnknownStore): ProblemInit {
  if ('messageId' in stored) {
    return {
      ...STORE_OUTCOME_UNKNOWN,
      detail:
        'Storage failed, and whether the message was stored is not known; whatever was stored will be sent. ' +
        `Read GET /v1/messages/${stored.messageId} once the service is back before sending again ` +
        '(with an Idempotency-Key, a plain retry is safe).',
      extensions: stored,
    };
  }
  // Entry by entry: the batch's own view counts statuses, so it cannot say which entry to resend.
  return {
    ...STORE_OUTCOME_UNKNOWN,
    detail: BATCH_STORE_UNKNOWN_DETAIL,
    extensions: { ...stored },
  };
}

/** Every batch's answer says the same; the entries are in its members. */
const BATCH_STORE_UNKNOWN_DETAIL =
  'Storage failed for some of the batch\'s messages. Those counted in "accepted" will be sent; those in ' +
  '"rejected" were not stored and will not be sent; whether those in "inDoubt" were stored is not known, ' +
  'and whatever was stored will be sent: read GET /v1/messages/{messageId} of each once the service is ' +
  'back before sending it again.';

const STORE_OUTCOME_UNKNOWN = {
  status: 503,
  code: 'store_outcome_unknown',
  title: 'Service temporarily unavailable',
} as const;

/**
 * The provider's anti-loop rules refused the message before it was stored: 409 for an identical
 * request inside the window (sending it again is the mistake), 429 for too many to one number.
 */
export function antiLoopProblem(rule: 'duplicate' | 'flood', retryAfterSeconds: number): ProblemInit {
  const error = ANTI_LOOP_ERRORS[rule];
  return {
    status: rule === 'duplicate' ? 409 : 429,
    code: error.code,
    title: error.name,
    detail: error.description,
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}
