import { describe, expect, it } from 'vitest';
import { type ProblemScope, runProblemHint, scopeOf } from '#cli/batch/row-problems.ts';
import {
  EVERY_ROUTE_PROBLEMS,
  PROBLEMS,
  type ProblemCode,
  ROUTE_PROBLEMS,
} from '#lambdas/api/http/problem-catalogue.ts';

// Which refusals of a row's POST /v1/messages the batch journals as the row's own (rejected for
// good), retries on the rerun, or stops the run for. Every code the route can answer is listed here,
// so a code the API gains is classified on purpose, not by its status.

const SEND_CODES: Record<ProblemCode, ProblemScope | 'not answered to a send'> = {
  validation_failed: 'row',
  unknown_account: 'row',
  // The provider's anti-loop rule: the row repeats an earlier one (same number, sender, text).
  duplicate_request: 'row',
  flood_limit: 'passing',
  malformed_json: 'run',
  invalid_utf8: 'run',
  invalid_idempotency_key: 'run',
  // The row's own: its body is made of its fields alone (a cell far too long). It was 'run' until a
  // row too large stopped every rerun of its mailing at that row, the rows after it never sent.
  payload_too_large: 'row',
  unsupported_media_type: 'run',
  idempotency_key_reused: 'run',
  idempotency_key_exhausted: 'run',
  // The row's account (named or routed to by prefix) is closed to the caller: see run.ts.
  account_forbidden: 'account',
  method_not_allowed: 'run',
  internal_error: 'passing',
  repository_unavailable: 'passing',
  enqueue_failed: 'passing',
  // The row's retry carries its Idempotency-Key: the rerun learns whether it was stored.
  store_outcome_unknown: 'passing',
  idempotency_not_supported: 'not answered to a send',
  invalid_id: 'not answered to a send',
  not_found: 'run',
  all_entries_rejected: 'not answered to a send',
};

describe('the scope of a refused row', () => {
  it('when the catalogue lists a code for POST /v1/messages, then this test classifies it', () => {
    // Prepare
    const answered = [...ROUTE_PROBLEMS['POST /v1/messages'], ...EVERY_ROUTE_PROBLEMS];
    // Act
    const unclassified = answered.filter((code) => SEND_CODES[code] === 'not answered to a send');
    // Assess
    expect(unclassified).toEqual([]);
  });

  it.each(Object.entries(SEND_CODES).filter(([, scope]) => scope !== 'not answered to a send'))(
    'when a send is refused with %s, then its scope is %s',
    (code, scope) => {
      // Prepare
      const { status, title, detail } = PROBLEMS[code as ProblemCode];
      // Act
      const actual = scopeOf({ type: '', title, status, detail, code });
      // Assess
      expect(actual).toBe(scope);
    },
  );

  it.each([
    [{ status: 0, code: 'network_error' }, 'passing'],
    [{ status: 403, code: 'unexpected_response' }, 'run'],
    [{ status: 404, code: 'unexpected_response' }, 'run'],
    [{ status: 200, code: 'unexpected_response' }, 'run'],
    [{ status: 502, code: 'unexpected_response' }, 'passing'],
  ] as const)('when a send is refused with %j, then its scope is %s', (answer, scope) => {
    // Prepare
    const problem = { type: '', title: '', detail: '', ...answer };
    // Act
    const actual = scopeOf(problem);
    // Assess
    expect(actual).toBe(scope);
  });

  it.each([
    ['gateway_refused', 403, /credentials/],
    ['unsigned_or_unknown_route', 403, /--endpoint.*stage.*signed/],
    ['unexpected_response', 404, /--endpoint.*stage/],
  ])(
    'when the run is stopped by %s (%i), then the hint points where the fault may be',
    (code, status, hint) => {
      // Act
      const text = runProblemHint(status, code);
      // Assess: in AWS a base URL without its stage is API Gateway's 403 unsigned_or_unknown_route,
      // which by its status alone was told to check the credentials only
      expect(text).toMatch(hint);
    },
  );
});
