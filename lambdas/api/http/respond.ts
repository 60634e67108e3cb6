import type { Context } from 'hono';
import type { ReadResult } from '../use-cases/read-result.ts';
import { type ProblemInit, problemResponse } from './problem.ts';
import { PROBLEMS } from './problem-catalogue.ts';
import { type ApiEnv, logFields } from './request-log.ts';

/** A problem answer, its code noted on the request's log line. */
export function problem(c: Context<ApiEnv>, init: ProblemInit): Response {
  logFields(c, { code: init.code });
  return problemResponse(init);
}

/**
 * A problem whose every word is fixed: answered exactly as the catalogue (and so the OpenAPI
 * document) shows it, so the two cannot drift apart.
 */
export function cataloguedProblem(
  code: 'idempotency_key_exhausted' | 'idempotency_not_supported',
): ProblemInit {
  const { status, title, detail, errors } = PROBLEMS[code];
  return {
    status,
    code,
    title,
    detail,
    errors: errors.map((error) => ({ ...error, path: [...error.path] })),
  };
}

export function notFoundProblem(detail: string): ProblemInit {
  return { status: 404, code: 'not_found', title: 'Not found', detail };
}

/** How a GET by id answers: the view's id for the log line, and the words of its 400 and 404. */
export interface ReadAnswers<V> {
  logged: (view: V) => Record<string, unknown>;
  /** What a well-formed id looks like, for the 400. */
  idFormat: string;
  notFound: string;
}

/** A GET by id: 200 with the view, 400 for an id that cannot be one, 404 for an unknown one. */
export function readAnswer<V extends object>(
  c: Context<ApiEnv>,
  result: ReadResult<V>,
  answers: ReadAnswers<V>,
): Response {
  switch (result.outcome) {
    case 'found':
      logFields(c, answers.logged(result.view));
      return c.json(result.view, 200);
    case 'invalid-id':
      return problem(c, invalidIdProblem('id', answers.idFormat));
    case 'not-found':
      return problem(c, notFoundProblem(answers.notFound));
  }
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
 * Who is calling, to scope idempotency keys: the principal a retry comes from, not the credentials
 * it happens to hold. Behind API Gateway with IAM auth `identity.userArn` names the signer:
 * - an assumed role, `arn:…:sts::<account>:assumed-role/<role>/<session>`: the session name differs
 *   per task, per function instance and per credential refresh, so the scope is the role alone and a
 *   retry from another worker of the same service finds the first answer. A Cognito identity pool
 *   signs every user with one role and one session name: there the scope is the role plus the
 *   Cognito identity, or two users would share keys.
 * - an IAM user, a federated user (`federated-user/<name>`) or the account root: the ARN as it is.
 * Without a userArn the caller id is used (for a role `<role id>:<session>`, cut to the role id).
 * In local mode (Node server, no authoriser) every caller is the same one.
 */
export function callerOf(env: unknown): string {
  const identity = field(field(env, 'requestContext'), 'identity');
  const userArn = text(field(identity, 'userArn'));
  const caller = text(field(identity, 'caller'));
  const cognitoId = text(field(identity, 'cognitoIdentityId'));
  let scope: string | undefined;
  if (userArn) scope = ASSUMED_ROLE_SESSION.exec(userArn)?.[1] ?? userArn;
  else if (caller) scope = ROLE_ID_SESSION.exec(caller)?.[1] ?? caller;
  if (scope === undefined) return 'anonymous';
  return cognitoId ? `${scope}#cognito:${cognitoId}` : scope;
}

/**
 * The ARN of the IAM principal that signed the request, as API Gateway reports it with IAM auth
 * (`identity.userArn`: an assumed role's session, or a user); undefined without one (local mode).
 * Account permissions are checked against it (core/domain/accounts/permissions.ts).
 */
export function callerArnOf(env: unknown): string | undefined {
  return text(field(field(field(env, 'requestContext'), 'identity'), 'userArn'));
}

/**
 * Where a created resource is, as the caller addressed the API: API Gateway's request path keeps the
 * stage (`/prod`) or a custom domain's base path, both gone from the path the routes see.
 */
export function createdLocation(c: Context<ApiEnv>, id: string): string {
  const requested = text(field(field(c.env, 'requestContext'), 'path')) ?? c.req.path;
  return `${requested.replace(/\/+$/, '')}/${id}`;
}

/** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`, capturing everything but the session. */
const ASSUMED_ROLE_SESSION = /^(arn:[^:]+:sts::[0-9]+:assumed-role\/[^/]+)\/.+$/;
/** A role's unique id (AROA…) and its session name, as `identity.caller` gives them. */
const ROLE_ID_SESSION = /^(AROA[A-Z0-9]+):.+$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
