import type { Problem, ProblemCode } from '#client/index.ts';

// What a refusal of one row's send says, and so what the run does with it:
// - 'row': about this row alone (its fields, its account, a repeat of an earlier row, a body too
//   large, which is made of the row's fields alone): journalled as rejected for good, the run goes
//   on; the user fixes those rows in a new file.
// - 'passing': no answer, throttling, a server error: not journalled, the rerun tries it again.
// - 'run': about every row alike (a wrong endpoint, refused credentials or permissions, a proxy's
//   answer, a key the API will not take): not journalled, the run stops at the first, since every
//   row would get the same and journalling them would have the rerun skip the whole mailing.
// - 'account': the account the row names or is routed to (by its number's prefix) is closed to the
//   caller (403 account_forbidden). The row's own once the caller has been seen to use some account
//   (a row accepted); before that, credentials allowed no account look the same (run.ts).

export type ProblemScope = 'row' | 'passing' | 'run' | 'account';

/** The API's codes that judge the row's own content (lambdas/api/http/problem-catalogue.ts). */
const ROW_CODES: ReadonlySet<string> = new Set<ProblemCode>([
  'validation_failed',
  'unknown_account',
  // The provider's anti-loop rule: the row repeats an earlier one (same number, sender, text).
  'duplicate_request',
  // Each row is a POST /v1/messages of its own, its body made of the row's fields alone: a body
  // too large is a cell too large (a paste gone wrong), not the run's. As 'run' it stopped every
  // rerun at that row, and the only way on, editing the file, would change every row's key.
  'payload_too_large',
]);

export function scopeOf(problem: Problem): ProblemScope {
  if (problem.status === 0 || problem.status === 429 || problem.status >= 500) return 'passing';
  if (problem.status >= 400 && problem.status < 500 && ROW_CODES.has(problem.code)) return 'row';
  if (problem.status === 403 && problem.code === 'account_forbidden') return 'account';
  return 'run';
}

/** What to look at for a run-level refusal, by its code where that says more, else its status. */
export function runProblemHint(status: number, code?: string): string {
  // In AWS an unknown path (a base URL without its stage) is API Gateway's 403, as is an unsigned call.
  if (code === 'unsigned_or_unknown_route') {
    return (
      'check --endpoint: the API’s base URL with its stage (…/prod), and that the request is signed ' +
      '(--profile, AWS_PROFILE)'
    );
  }
  switch (status) {
    case 401:
    case 403:
      return 'check the credentials (--profile, AWS_PROFILE, an expired session) and that they may call the API';
    case 404:
    case 405:
      return 'check --endpoint: the API’s base URL, with its stage (…/prod)';
    default:
      return 'check --endpoint and what answers there';
  }
}
