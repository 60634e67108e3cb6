import * as apigateway from 'aws-cdk-lib/aws-apigateway';

// The answers API Gateway gives itself, before the api Lambda runs (no route, no signature, a
// caller outside the resource policy, stage throttling, a Lambda that does not answer in time), in
// the API's problem+json shape (lambdas/api/http/problem.ts), each with its own stable `code`.
// Left alone they are `{"message": …}` application/json without a code: a client could not tell
// stage throttling from `429 flood_limit`, nor an unsigned call from an unknown route.

export interface GatewayProblem {
  /** The construct id (its logical id must not change: test/infra/fixtures/single-login-resources.json). */
  readonly id: string;
  readonly type: apigateway.ResponseType;
  /**
   * The answer's status, set even where it is the type's own: a template cannot read the status, and
   * the body carries the one the caller gets. None on the catch-alls: a status set on DEFAULT_4XX or
   * DEFAULT_5XX becomes the status of every type it covers (a 415 or a 404 would read 400), so they
   * keep each type's own, and their body leaves `status` out (the HTTP status is the answer's).
   */
  readonly status?: number;
  /** One of GATEWAY_PROBLEM_CODES (lambdas/api/http/problem-catalogue.ts; test/infra/compute/api.test.ts). */
  readonly code: string;
  readonly title: string;
  /** For people: what happened and what to do; API Gateway's own message when absent. */
  readonly detail?: string;
  /** Static header values. */
  readonly headers?: Readonly<Record<string, string>>;
}

const PROBLEM_TYPE_PREFIX = 'tag:smsc-aws-sender,2025:problems/';

/** Seconds a throttled caller waits: the stage refills its bucket every second. */
const THROTTLED_RETRY_AFTER_SECONDS = 1;

/** The Lambda may have stored and queued the request although nobody got its answer. */
const OUTCOME_UNKNOWN_ADVICE =
  'The request may still have been carried out. Resend a message with the same Idempotency-Key: its ' +
  'first answer is replayed and nothing is sent twice (without a key, a resend may send it twice). ' +
  'A batch may have been accepted in whole or in part: do not resend it blindly.';

const VALIDATION = { status: 400, code: 'validation_failed', title: 'The request is not valid' } as const;

/** One row per response type this API is likely to meet, then the catch-alls for any other. */
export const GATEWAY_PROBLEMS: readonly GatewayProblem[] = [
  { id: 'BadBody', type: apigateway.ResponseType.BAD_REQUEST_BODY, ...VALIDATION },
  { id: 'BadParameters', type: apigateway.ResponseType.BAD_REQUEST_PARAMETERS, ...VALIDATION },
  {
    // API Gateway answers an unknown route or method exactly like a call without a signature: it
    // looks for IAM credentials before it looks for the route, so it cannot be remapped to a 404.
    id: 'Unsigned',
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: 403,
    code: 'unsigned_or_unknown_route',
    title: 'Not signed, or no such route',
    detail:
      'The request carries no SigV4 signature, or no route takes this method and path (API Gateway answers ' +
      'both alike). Sign it for the service execute-api, and check the method and path.',
  },
  {
    id: 'AccessDenied',
    type: apigateway.ResponseType.ACCESS_DENIED,
    status: 403,
    code: 'access_denied',
    title: 'The caller may not call this route',
    detail:
      'The caller is not among the principals the API admits (the stack setting allowedPrincipals), or its ' +
      'identity policy does not grant execute-api:Invoke on this route.',
  },
  {
    id: 'InvalidSignature',
    type: apigateway.ResponseType.INVALID_SIGNATURE,
    status: 403,
    code: 'invalid_signature',
    title: 'The request signature is not valid',
    detail:
      'The SigV4 signature does not match the request: a wrong secret key, a clock more than 5 minutes off, ' +
      'or the request changed after signing. "message" says what API Gateway expected.',
  },
  {
    id: 'ExpiredToken',
    type: apigateway.ResponseType.EXPIRED_TOKEN,
    status: 403,
    code: 'expired_token',
    title: 'The credentials have expired',
    detail: 'The credentials the request was signed with have expired: sign it again with fresh ones.',
  },
  {
    id: 'TooLarge',
    type: apigateway.ResponseType.REQUEST_TOO_LARGE,
    status: 413,
    code: 'payload_too_large',
    title: 'The body is too large',
    detail: "The request is over API Gateway's 10 MB limit, far beyond the API's own body limits.",
  },
  {
    id: 'Throttled',
    type: apigateway.ResponseType.THROTTLED,
    status: 429,
    code: 'throttled',
    title: 'Too many requests to the API',
    detail:
      "The API's request rate (stage throttling) was exceeded; nothing was done. Retry after Retry-After " +
      'seconds. Not flood_limit: no recipient reached a limit.',
    headers: { 'Retry-After': String(THROTTLED_RETRY_AFTER_SECONDS) },
  },
  {
    id: 'IntegrationFailure',
    type: apigateway.ResponseType.INTEGRATION_FAILURE,
    status: 504,
    code: 'integration_failure',
    title: 'The API failed without an answer',
    detail: `The API's function could not be run or stopped without an answer. ${OUTCOME_UNKNOWN_ADVICE}`,
  },
  {
    id: 'IntegrationTimeout',
    type: apigateway.ResponseType.INTEGRATION_TIMEOUT,
    status: 504,
    code: 'integration_timeout',
    title: 'The API did not answer in time',
    detail: `The API did not answer within API Gateway's 29 s. ${OUTCOME_UNKNOWN_ADVICE}`,
  },
  {
    id: 'Default4xx',
    type: apigateway.ResponseType.DEFAULT_4XX,
    code: 'gateway_refused',
    title: 'API Gateway refused the request',
  },
  {
    id: 'Default5xx',
    type: apigateway.ResponseType.DEFAULT_5XX,
    code: 'gateway_error',
    title: 'API Gateway failed the request',
    detail: `API Gateway failed the request. ${OUTCOME_UNKNOWN_ADVICE}`,
  },
];

/**
 * The body. Gateway response templates only substitute variables (no VTL): `messageString` is the
 * message already quoted as JSON. `message` keeps API Gateway's own words where its default answer
 * has them; `requestId` finds the request in the access log.
 */
export function gatewayProblemTemplate(problem: GatewayProblem): string {
  const fixed = JSON.stringify({
    type: PROBLEM_TYPE_PREFIX + problem.code,
    title: problem.title,
    ...(problem.status === undefined ? {} : { status: problem.status }),
    code: problem.code,
  });
  const detail =
    problem.detail === undefined ? '$context.error.messageString' : JSON.stringify(problem.detail);
  return `${fixed.slice(0, -1)},"detail":${detail},"message":$context.error.messageString,"requestId":"$context.requestId"}`;
}

export function addGatewayProblems(api: apigateway.RestApi): void {
  for (const problem of GATEWAY_PROBLEMS) {
    const headers = { 'Content-Type': 'application/problem+json', ...problem.headers };
    api.addGatewayResponse(problem.id, {
      type: problem.type,
      ...(problem.status === undefined ? {} : { statusCode: String(problem.status) }),
      // Static header values are quoted, as in method response mappings.
      responseHeaders: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, `'${value}'`]),
      ),
      templates: { 'application/json': gatewayProblemTemplate(problem) },
    });
  }
}
