// Every problem `code` the API answers with, its status and an example answer: the one list the
// OpenAPI document (lambdas/api/openapi) and the typed client (client/) are built from. A unit test
// holds it to the codes the routes actually use.

/**
 * The refusal of the examples' bad number, as InvalidPhoneNumberError words it (a unit test holds
 * the two alike). Not imported from it: the typed client loads this file, and the phone-number
 * metadata would cost every CLI start about half a second.
 */
export const BAD_NUMBER_EXAMPLE =
  '"12" is not a valid phone number: write it in international format with its + (e.g. +79991234567)';

export interface ProblemExample {
  status: number;
  title: string;
  /** An example `detail`, as the API words it. */
  detail: string;
  /** Example `errors[]` (input faults). */
  errors?: { code: string; path: (string | number)[]; message: string }[];
  /** Example extension members (a batch's `rejected`, a failed message's id). */
  extensions?: Record<string, unknown>;
}

export const PROBLEMS = {
  malformed_json: {
    status: 400,
    title: 'The body is not valid JSON',
    detail: 'The request body is not valid JSON.',
  },
  invalid_utf8: {
    status: 400,
    title: 'The body is not valid UTF-8',
    detail: 'The request body must be JSON encoded as UTF-8.',
  },
  validation_failed: {
    status: 400,
    title: 'The request is not valid',
    detail: `to: ${BAD_NUMBER_EXAMPLE}`,
    errors: [{ code: 'invalid_phone_number', path: ['to'], message: `to: ${BAD_NUMBER_EXAMPLE}` }],
  },
  invalid_idempotency_key: {
    status: 400,
    title: 'The Idempotency-Key header is not valid',
    detail: 'Idempotency-Key must be 1-255 printable ASCII characters.',
    errors: [
      {
        code: 'invalid_format',
        path: ['headers', 'Idempotency-Key'],
        message: 'Idempotency-Key: must be 1-255 printable ASCII characters',
      },
    ],
  },
  idempotency_not_supported: {
    status: 400,
    title: 'Idempotency-Key is not supported for batches',
    detail:
      'Batches take no Idempotency-Key: send the request once, and resend only the entries listed as rejected.',
    errors: [
      {
        code: 'not_supported',
        path: ['headers', 'Idempotency-Key'],
        message: 'Idempotency-Key: is not supported on POST /v1/batches',
      },
    ],
  },
  invalid_id: {
    status: 400,
    title: 'The id is not valid',
    detail: 'must be a message id (26 characters, a ULID)',
    errors: [
      {
        code: 'invalid_format',
        path: ['path', 'id'],
        message: 'id: must be a message id (26 characters, a ULID)',
      },
    ],
  },
  account_forbidden: {
    status: 403,
    title: 'Account not allowed for this caller',
    detail: 'This caller may not send through the account "marketing"; nothing was stored.',
    extensions: { account: 'marketing', accounts: ['marketing'] },
  },
  not_found: { status: 404, title: 'Not found', detail: 'No message has this id.' },
  method_not_allowed: {
    status: 405,
    title: 'Method not allowed',
    // Each path's own methods replace them in the document (lambdas/api/openapi/route-wording.ts).
    detail: 'DELETE is not allowed here; allowed: GET, HEAD.',
  },
  payload_too_large: {
    status: 413,
    title: 'The body is too large',
    // Each route's own limit replaces it in the document (lambdas/api/openapi/route-wording.ts).
    detail: 'The request body must be at most 85 KiB.',
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    detail: 'The request body must be sent as "Content-Type: application/json" (UTF-8).',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency-Key reused with another request',
    detail: 'This Idempotency-Key was already used with a different body; use a new key for a new message.',
    errors: [
      {
        code: 'idempotency_key_reused',
        path: ['headers', 'Idempotency-Key'],
        message: 'Idempotency-Key: was already used with a different request body',
      },
    ],
  },
  idempotency_key_exhausted: {
    status: 422,
    title: 'Idempotency-Key used up',
    detail:
      'Every attempt with this Idempotency-Key failed to queue and the key has no attempts left; send the message with a new key.',
    errors: [
      {
        code: 'idempotency_key_exhausted',
        path: ['headers', 'Idempotency-Key'],
        message: 'Idempotency-Key: has no attempts left; use a new key',
      },
    ],
  },
  unknown_account: {
    status: 422,
    title: 'Unknown account',
    detail: 'The account "marketng" does not exist; known: "main", "marketing".',
    errors: [
      {
        code: 'unknown_account',
        path: ['account'],
        message: 'account: no account is named "marketng" (known: "main", "marketing")',
      },
    ],
    extensions: { account: 'marketng' },
  },
  all_entries_rejected: {
    status: 422,
    title: 'No entry of the batch is valid',
    detail: 'All 1 entries were rejected; see "rejected" (and "errors").',
    errors: [{ code: 'invalid_phone_number', path: ['to', 0], message: `to[0]: ${BAD_NUMBER_EXAMPLE}` }],
    extensions: {
      rejected: [
        {
          index: 0,
          error: {
            code: 'invalid_phone_number',
            path: ['to', 0],
            message: `to[0]: ${BAD_NUMBER_EXAMPLE}`,
          },
        },
      ],
    },
  },
  duplicate_request: {
    status: 409,
    title: 'Identical request within the duplicate window',
    detail:
      'An identical message (recipient, sender, text) was accepted less than the duplicate window ago; ' +
      'the SMSC refuses identical requests within a minute, so it was not sent.',
  },
  flood_limit: {
    status: 429,
    title: 'Too many messages to one number',
    detail:
      'The number already got the most messages allowed, each less than the flood gap after the ' +
      'previous; the SMSC blocks more than 50 such messages (err 251), so it was not sent.',
  },
  internal_error: { status: 500, title: 'Internal error', detail: 'The request could not be processed.' },
  repository_unavailable: {
    status: 503,
    title: 'Service temporarily unavailable',
    detail: 'Storage is unavailable; try again shortly.',
  },
  enqueue_failed: {
    status: 503,
    title: 'Service temporarily unavailable',
    detail:
      'The message could not be queued and will not be sent; send it again (the same Idempotency-Key is fine).',
    extensions: { messageId: '01M89PNMZR2HR54Q7H2NGA9838' },
  },
  store_outcome_unknown: {
    status: 503,
    title: 'Service temporarily unavailable',
    detail:
      'Storage failed, and whether the message was stored is not known; whatever was stored will be sent. ' +
      'Read GET /v1/messages/01M89PNMZR2HR54Q7H2NGA9838 once the service is back before sending again ' +
      '(with an Idempotency-Key, a plain retry is safe).',
    extensions: { messageId: '01M89PNMZR2HR54Q7H2NGA9838' },
  },
} as const satisfies Record<string, ProblemExample>;

export type ProblemCode = keyof typeof PROBLEMS;
export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

/**
 * The codes of API Gateway's own answers in AWS, before the api Lambda runs (their bodies:
 * cdk/constructs/compute/gateway-problems.ts, held to this list by test/infra/compute/api.test.ts).
 * Kept here, not there, so the typed client can name them without loading the CDK.
 */
export const GATEWAY_PROBLEM_CODES = [
  'validation_failed',
  'unsigned_or_unknown_route',
  'access_denied',
  'invalid_signature',
  'expired_token',
  'payload_too_large',
  'throttled',
  'integration_failure',
  'integration_timeout',
  'gateway_refused',
  'gateway_error',
] as const;
export type GatewayProblemCode = (typeof GATEWAY_PROBLEM_CODES)[number];

/** Which codes each route can answer with (beyond the ones every route can: 500, 503 repository). */
export const ROUTE_PROBLEMS = {
  'POST /v1/messages': [
    'malformed_json',
    'invalid_utf8',
    'validation_failed',
    'invalid_idempotency_key',
    'payload_too_large',
    'unsupported_media_type',
    'idempotency_key_reused',
    'idempotency_key_exhausted',
    'unknown_account',
    'account_forbidden',
    'duplicate_request',
    'flood_limit',
    'enqueue_failed',
    'store_outcome_unknown',
  ],
  'GET /v1/messages/{id}': ['invalid_id', 'not_found'],
  'POST /v1/batches': [
    'malformed_json',
    'invalid_utf8',
    'validation_failed',
    'idempotency_not_supported',
    'payload_too_large',
    'unsupported_media_type',
    'all_entries_rejected',
    'unknown_account',
    'account_forbidden',
    'enqueue_failed',
    'store_outcome_unknown',
  ],
  'GET /v1/batches/{id}': ['invalid_id', 'not_found'],
} as const satisfies Record<string, readonly ProblemCode[]>;

/** What a route says its own way, in place of the catalogue's example of the code. */
export type RouteWording = Pick<ProblemExample, 'detail' | 'errors' | 'extensions'>;

/**
 * Where a route words a code its own way: a batch's answers name the batch, not a message, and a
 * batch's `to` is a list. The words that follow from a route's constants (its body limit, the
 * methods its path takes) are built from them in lambdas/api/openapi/route-wording.ts instead: the
 * typed client imports this file and must not import the routes.
 */
export const ROUTE_EXAMPLES: Partial<
  Record<keyof typeof ROUTE_PROBLEMS, Partial<Record<ProblemCode, RouteWording>>>
> = {
  'POST /v1/batches': {
    // A bad recipient in the list is rejected per entry (["to", 0]); only the body's shape is a 400.
    validation_failed: {
      detail: 'to: must be an array',
      errors: [{ code: 'invalid_type', path: ['to'], message: 'to: must be an array' }],
    },
    enqueue_failed: {
      detail: 'No message of the batch could be queued; none will be sent. Send the batch again.',
      extensions: {
        batchId: 'b_01M89PNMZR2HR54Q7H2NGA9838',
        rejected: [
          {
            index: 0,
            error: {
              code: 'invalid_phone_number',
              path: ['to', 0],
              message:
                'to[0]: "12" is not a valid phone number: write it in international format with its + (e.g. +79991234567)',
            },
          },
        ],
      },
    },
    store_outcome_unknown: {
      detail:
        'Storage failed for some of the batch\'s messages. Those counted in "accepted" will be sent; those in ' +
        '"rejected" were not stored and will not be sent; whether those in "inDoubt" were stored is not known, ' +
        'and whatever was stored will be sent: read GET /v1/messages/{messageId} of each once the service is ' +
        'back before sending it again.',
      extensions: {
        batchId: 'b_01M89PNMZR2HR54Q7H2NGA9838',
        accepted: 1,
        rejected: [
          {
            index: 1,
            error: {
              code: 'enqueue_failed',
              path: ['to', 1],
              message:
                'to[1]: The message could not be put on the send queue and was not sent. Send it again.',
            },
          },
        ],
        inDoubt: [{ index: 2, messageId: '01M89PNMZR2HR54Q7H2NGA9838' }],
      },
    },
  },
  'GET /v1/batches/{id}': {
    invalid_id: {
      detail: 'must be a batch id ("b_" and a ULID)',
      errors: [
        { code: 'invalid_format', path: ['path', 'id'], message: 'id: must be a batch id ("b_" and a ULID)' },
      ],
    },
    not_found: { detail: 'No batch has this id.' },
  },
};

/** Any route: an unexpected failure, storage unavailable, a method the path does not take. */
export const EVERY_ROUTE_PROBLEMS = [
  'method_not_allowed',
  'internal_error',
  'repository_unavailable',
] as const satisfies readonly ProblemCode[];
