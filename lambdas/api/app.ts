import { Hono } from 'hono';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import type { ApiDeps } from './deps.ts';
import { ApiProblem, serviceUnavailableProblem } from './http/problem.ts';
import { type ApiEnv, logFields, requestLog } from './http/request-log.ts';
import { notFoundProblem, problem } from './http/respond.ts';
import { batchRoutes } from './routes/batches.ts';
import { messageRoutes } from './routes/messages.ts';

// The one HTTP app, served by API Gateway through the Lambda adapter (handler.ts) and by Node in local
// mode (server.ts): both run exactly these routes, checks and answers.

/** Paths and the methods they answer, for 405 with an Allow header (Hono itself only knows 404). */
export const ALLOWED_METHODS: Readonly<Record<string, string>> = {
  '/v1/messages': 'POST',
  '/v1/messages/:id': 'GET, HEAD',
  '/v1/batches': 'POST',
  '/v1/batches/:id': 'GET, HEAD',
};

/** The 405's detail, also the OpenAPI document's example of it (openapi/route-wording.ts). */
export function notAllowedDetail(method: string, allow: string): string {
  return `${method} is not allowed here; allowed: ${allow}.`;
}

export function createApiApp(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('*', requestLog(deps.log));

  app.route('/v1/messages', messageRoutes(deps));
  app.route('/v1/batches', batchRoutes(deps));

  for (const [path, allow] of Object.entries(ALLOWED_METHODS)) {
    app.all(path, (c) =>
      problem(c, {
        status: 405,
        code: 'method_not_allowed',
        title: 'Method not allowed',
        detail: notAllowedDetail(c.req.method, allow),
        headers: { allow },
      }),
    );
  }

  app.notFound((c) => problem(c, notFoundProblem(`There is no route ${c.req.method} ${c.req.path}.`)));

  app.onError((error, c) => {
    if (error instanceof ApiProblem) return problem(c, error.init);
    if (error instanceof RepositoryUnavailableError) {
      return problem(
        c,
        serviceUnavailableProblem('repository_unavailable', 'Storage is unavailable; try again shortly.'),
      );
    }
    // Unexpected: the caller learns nothing of the internals. The log line gets the error's name and
    // stack frames but not its message, which can quote request data (a recipient, the text).
    logFields(c, { error: error.name, frames: stackFrames(error) });
    return problem(c, {
      status: 500,
      code: 'internal_error',
      title: 'Internal error',
      detail: 'The request could not be processed.',
    });
  });

  return app;
}

function stackFrames(error: Error): string[] {
  return (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8)
    .map((line) => line.trim());
}
