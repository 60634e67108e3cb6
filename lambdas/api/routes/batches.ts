import { Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { accountForbiddenProblem, unknownAccountProblem } from '../http/account-problems.ts';
import { IDEMPOTENCY_HEADER } from '../http/idempotency.ts';
import { KIB, readJsonBody } from '../http/json-body.ts';
import {
  ApiProblem,
  serviceUnavailableProblem,
  storeOutcomeUnknownProblem,
  validationProblem,
} from '../http/problem.ts';
import { type ApiEnv, logFields } from '../http/request-log.ts';
import { callerArnOf, cataloguedProblem, createdLocation, problem, readAnswer } from '../http/respond.ts';
import { acceptBatch } from '../use-cases/accept-batch.ts';
import { readBatch } from '../use-cases/read-batch.ts';

/** 1000 entries of a recipient and a short text each fit well; it is also SQS's message size. */
export const BATCH_BODY_LIMIT = 256 * KIB;

export function batchRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.post('/', async (c) => {
    // Refused rather than ignored: a caller who sends the key believes a retry is safe, and a batch
    // retried without idempotency would be sent twice (see lambdas/api/README.md).
    if (c.req.header(IDEMPOTENCY_HEADER) !== undefined) {
      throw new ApiProblem(cataloguedProblem('idempotency_not_supported'));
    }
    const body = await readJsonBody(c.req.raw, BATCH_BODY_LIMIT);
    const result = await acceptBatch(deps, body, callerArnOf(c.env));
    switch (result.outcome) {
      case 'accepted': {
        const { answer } = result;
        logFields(c, {
          batchId: answer.batchId,
          accepted: answer.accepted,
          rejected: answer.rejected.length,
          ...result.timings,
        });
        return c.json(answer, 202, { location: createdLocation(c, answer.batchId) });
      }
      case 'invalid':
        return problem(c, validationProblem(result.issues));
      case 'unknown-account':
        logFields(c, { account: result.account });
        return problem(c, unknownAccountProblem(result.account, deps.accounts, callerArnOf(c.env)));
      case 'account-forbidden':
        logFields(c, { accounts: result.accounts });
        return problem(c, accountForbiddenProblem(result.accounts));
      case 'all-rejected':
        logFields(c, { rejected: result.rejected.length });
        return problem(c, {
          status: 422,
          code: 'all_entries_rejected',
          title: 'No entry of the batch is valid',
          detail: `All ${result.rejected.length} entries were rejected; see "rejected" (and "errors").`,
          errors: result.rejected.map(({ error }) => error),
          extensions: { rejected: result.rejected },
        });
      case 'enqueue-failed':
        logFields(c, { batchId: result.batchId, rejected: result.rejected.length });
        return problem(c, {
          ...serviceUnavailableProblem(
            'enqueue_failed',
            'No message of the batch could be queued; none will be sent. Send the batch again.',
          ),
          extensions: { batchId: result.batchId, rejected: result.rejected },
        });
      case 'store-unknown': {
        logFields(c, {
          batchId: result.batchId,
          storeOutcome: 'unknown',
          accepted: result.accepted,
          rejected: result.rejected.length,
          inDoubt: result.inDoubt.length,
        });
        const { outcome: _, ...unknown } = result;
        return problem(c, storeOutcomeUnknownProblem(unknown));
      }
    }
  });

  routes.get('/:id', async (c) =>
    readAnswer(c, await readBatch(deps, c.req.param('id')), {
      logged: (batch) => ({ batchId: batch.batchId }),
      idFormat: 'must be a batch id ("b_" and a ULID)',
      notFound: 'No batch has this id.',
    }),
  );

  return routes;
}
