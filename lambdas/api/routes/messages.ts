import { Hono } from 'hono';
import {
  MAX_CALLBACK_URL_LENGTH,
  MAX_CLIENT_REF_LENGTH,
  MAX_COMMENT_LENGTH,
  MAX_TEXT_LENGTH,
} from '#core/domain/requests/message-schema.ts';
import type { ApiDeps } from '../deps.ts';
import { accountForbiddenProblem, unknownAccountProblem } from '../http/account-problems.ts';
import { readIdempotencyKey, scopedIdempotencyKey } from '../http/idempotency.ts';
import { KIB, readJsonBody } from '../http/json-body.ts';
import {
  antiLoopProblem,
  serviceUnavailableProblem,
  storeOutcomeUnknownProblem,
  validationProblem,
} from '../http/problem.ts';
import { type ApiEnv, logFields } from '../http/request-log.ts';
import {
  callerArnOf,
  callerOf,
  cataloguedProblem,
  createdLocation,
  problem,
  readAnswer,
} from '../http/respond.ts';
import { acceptMessage } from '../use-cases/accept-message.ts';
import { readMessage } from '../use-cases/read-message.ts';

/** A JSON string may write any character as `\uXXXX`: 6 bytes. */
const ESCAPED_CHAR_BYTES = 6;
/** Every other string field at its longest (recipient, sender, subject, voice, bot, udh, account…). */
const OTHER_FIELDS_CHARS = 1 * KIB;

const LONGEST_MESSAGE_CHARS =
  MAX_TEXT_LENGTH + MAX_COMMENT_LENGTH + MAX_CALLBACK_URL_LENGTH + MAX_CLIENT_REF_LENGTH + OTHER_FIELDS_CHARS;

/**
 * The longest valid message as a client may write it, every character escaped, and the field names:
 * 85 KiB. Smaller, a text within the 10,000 characters and MAX_PARTS was refused as too large.
 */
export const MESSAGE_BODY_LIMIT = KIB * Math.ceil((LONGEST_MESSAGE_CHARS * ESCAPED_CHAR_BYTES + KIB) / KIB);

export function messageRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.post('/', async (c) => {
    const key = readIdempotencyKey(c.req.raw.headers);
    const body = await readJsonBody(c.req.raw, MESSAGE_BODY_LIMIT);
    const result = await acceptMessage(deps, {
      body,
      idempotencyKey: key === undefined ? undefined : scopedIdempotencyKey(callerOf(c.env), key),
      caller: callerArnOf(c.env),
    });
    switch (result.outcome) {
      case 'accepted': {
        const { answer, replayed } = result;
        logFields(c, { messageId: answer.id, to: result.maskedTo, ...(replayed ? { replayed } : {}) });
        const headers: Record<string, string> = { location: createdLocation(c, answer.id) };
        if (replayed) headers['idempotent-replayed'] = 'true';
        return c.json(answer, 202, headers);
      }
      case 'invalid':
        return problem(c, validationProblem(result.issues));
      case 'unknown-account':
        logFields(c, { account: result.account });
        return problem(c, unknownAccountProblem(result.account, deps.accounts, callerArnOf(c.env)));
      case 'account-forbidden':
        logFields(c, { account: result.account });
        return problem(c, accountForbiddenProblem([result.account]));
      case 'idempotency-conflict':
        return problem(c, {
          status: 422,
          code: 'idempotency_key_reused',
          title: 'Idempotency-Key reused with another request',
          detail:
            'This Idempotency-Key was already used with a different body; use a new key for a new message.',
          errors: [
            {
              code: 'idempotency_key_reused',
              path: ['headers', 'Idempotency-Key'],
              message: 'Idempotency-Key: was already used with a different request body',
            },
          ],
        });
      case 'enqueue-failed':
        logFields(c, { messageId: result.id, markedFailed: result.marked });
        return problem(c, {
          ...serviceUnavailableProblem(
            'enqueue_failed',
            'The message could not be queued and will not be sent; send it again (the same Idempotency-Key is fine).',
          ),
          extensions: { messageId: result.id },
        });
      case 'requeue-failed':
        logFields(c, { messageId: result.id });
        return problem(c, {
          ...serviceUnavailableProblem(
            'enqueue_failed',
            'This retry could not queue the message and left it accepted (an earlier attempt may have queued it, or, still running, may yet fail it); send it again with the same Idempotency-Key: it is sent once.',
          ),
          extensions: { messageId: result.id },
        });
      case 'store-unknown':
        logFields(c, { messageId: result.id, storeOutcome: 'unknown' });
        return problem(c, storeOutcomeUnknownProblem({ messageId: result.id }));
      case 'duplicate':
      case 'flood':
        logFields(c, { to: result.maskedTo });
        return problem(c, antiLoopProblem(result.outcome, result.retryAfterSeconds));
      case 'key-exhausted':
        // Not a 503: a retry with this key walks the same used-up slots, so none invites one.
        return problem(c, cataloguedProblem('idempotency_key_exhausted'));
    }
  });

  routes.get('/:id', async (c) =>
    readAnswer(c, await readMessage(deps, c.req.param('id'), callerArnOf(c.env)), {
      logged: (message) => ({ messageId: message.id }),
      idFormat: 'must be a message id (26 characters, a ULID)',
      notFound: 'No message has this id.',
    }),
  );

  return routes;
}
