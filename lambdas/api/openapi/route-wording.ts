import { ALLOWED_METHODS, notAllowedDetail } from '../app.ts';
import { KIB, tooLargeDetail } from '../http/json-body.ts';
import {
  type ProblemCode,
  ROUTE_EXAMPLES,
  ROUTE_PROBLEMS,
  type RouteWording,
} from '../http/problem-catalogue.ts';
import { BATCH_BODY_LIMIT } from '../routes/batches.ts';
import { MESSAGE_BODY_LIMIT } from '../routes/messages.ts';

// The words of a route's problems that follow from its own constants (its body limit, the methods its
// path takes), built from those constants so the document cannot state a limit the route does not
// apply. They live here, not in the catalogue: the typed client imports the catalogue, and must not
// import the routes (and Hono with them). The sentences are made by the functions the routes answer
// with (json-body.ts's tooLargeDetail, app.ts's notAllowedDetail).

export type Route = keyof typeof ROUTE_PROBLEMS;

/** The most bytes of body each route that takes one reads. */
const BODY_LIMITS: Partial<Record<Route, number>> = {
  'POST /v1/messages': MESSAGE_BODY_LIMIT,
  'POST /v1/batches': BATCH_BODY_LIMIT,
};

/** A method no path takes, for the 405 examples. */
const REFUSED_METHOD = 'DELETE';

/** How the body limit is stated, in the 413 and in the operation's description. */
export function bodyLimitText(route: Route): string {
  const limit = BODY_LIMITS[route];
  if (limit === undefined) throw new Error(`${route} reads no body`);
  return `${limit / KIB} KiB`;
}

/** The methods the route's path answers (its Allow header). */
function allowedMethods(route: Route): string {
  const path = route.slice(route.indexOf(' ') + 1).replace(/\{(\w+)\}/g, ':$1');
  const allow = ALLOWED_METHODS[path];
  if (allow === undefined) throw new Error(`${route}: its path is not in ALLOWED_METHODS`);
  return allow;
}

/** Every example the route words its own way: the catalogue's, then those built from its constants. */
export function routeWording(route: Route): Partial<Record<ProblemCode, RouteWording>> {
  const refusesLarge = (ROUTE_PROBLEMS[route] as readonly ProblemCode[]).includes('payload_too_large');
  const limit = BODY_LIMITS[route];
  // Else the catalogue's example, another route's limit, would be shown for this one.
  if (refusesLarge !== (limit !== undefined)) throw new Error(`${route}: 413 and BODY_LIMITS disagree`);
  return {
    ...ROUTE_EXAMPLES[route],
    method_not_allowed: {
      detail: notAllowedDetail(REFUSED_METHOD, allowedMethods(route)),
    },
    ...(limit === undefined ? {} : { payload_too_large: { detail: tooLargeDetail(limit) } }),
  };
}
