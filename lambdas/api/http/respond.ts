import type { Context } from 'hono';
import { type ProblemInit, problemResponse } from './problem.ts';
import { type ApiEnv, logFields } from './request-log.ts';

/** A problem answer, its code noted on the request's log line. */
export function problem(c: Context<ApiEnv>, init: ProblemInit): Response {
  logFields(c, { code: init.code });
  return problemResponse(init);
}

export function notFoundProblem(detail: string): ProblemInit {
  return { status: 404, code: 'not_found', title: 'Not found', detail };
}

/** 400 for a path parameter that cannot be an id at all (told apart from a well-formed unknown id). */
export function invalidIdProblem(name: 'id', detail: string): ProblemInit {
  return {
    status: 400,
    code: 'invalid_id',
    title: 'The id is not valid',
    detail,
    errors: [{ code: 'invalid_format', path: ['path', name], message: `${name}: ${detail}` }],
  };
}

/**
 * Who is calling, to scope idempotency keys. Behind API Gateway with IAM auth this is the signing
 * principal's ARN; in local mode (Node server, no authoriser) every caller is the same one.
 */
export function callerOf(env: unknown): string {
  const identity = field(field(env, 'requestContext'), 'identity');
  const arn = field(identity, 'userArn') ?? field(identity, 'caller');
  return typeof arn === 'string' && arn !== '' ? arn : 'anonymous';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
