import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_PROBLEM_CODES } from '#lambdas/api/http/problem-catalogue.ts';
import { problemSchema } from '#lambdas/api/openapi/answers.ts';
import { GATEWAY_PROBLEMS } from '../../../cdk/constructs/compute/gateway-problems.ts';
import { PROJECT_ROOT } from '../../../cdk/paths.ts';
import { type Synthesised, synthesise } from '../synth.ts';

// The REST API's own answers: what API Gateway says before the api Lambda runs (no route, no
// signature, a caller outside the resource policy, throttling, a Lambda that does not answer) is
// the same problem+json, with a code of its own, as what the Lambda says.

interface GatewayResponse {
  ResponseType: string;
  StatusCode?: string;
  ResponseParameters?: Record<string, string>;
  ResponseTemplates?: Record<string, string>;
}

function gatewayResponses(synth: Synthesised): GatewayResponse[] {
  return Object.values(synth.template.findResources('AWS::ApiGateway::GatewayResponse')).map(
    (resource) => (resource as { Properties: GatewayResponse }).Properties,
  );
}

function responseOf(synth: Synthesised, type: string): GatewayResponse {
  const found = gatewayResponses(synth).find((response) => response.ResponseType === type);
  if (!found) throw new Error(`no gateway response ${type}`);
  return found;
}

/** The body API Gateway sends: its template with the variables substituted, as it does. */
function filledIn(response: GatewayResponse, message: string): Record<string, unknown> {
  const template = response.ResponseTemplates?.['application/json'] ?? '';
  const body = template
    .replaceAll('$context.error.messageString', JSON.stringify(message))
    .replaceAll('$context.requestId', 'c0ffee00-0000-4000-8000-000000000000');
  return JSON.parse(body) as Record<string, unknown>;
}

const isCatchAll = (response: GatewayResponse) =>
  response.ResponseType === 'DEFAULT_4XX' || response.ResponseType === 'DEFAULT_5XX';

const header = (response: GatewayResponse, name: string) =>
  response.ResponseParameters?.[`gatewayresponse.header.${name}`];

describe('the REST API’s own answers', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise();
  });

  it('when the API is synthesised, then the default 4XX and 5XX gateway responses and the ones before the Lambda are problem+json', () => {
    // Act
    const problemTypes = gatewayResponses(synth)
      .filter((response) => header(response, 'Content-Type') === "'application/problem+json'")
      .map((response) => response.ResponseType);
    // Assess: before, only BAD_REQUEST_BODY and BAD_REQUEST_PARAMETERS; the rest were {"message": …}.
    expect(problemTypes).toEqual(
      expect.arrayContaining([
        'DEFAULT_4XX',
        'DEFAULT_5XX',
        'MISSING_AUTHENTICATION_TOKEN',
        'ACCESS_DENIED',
        'INVALID_SIGNATURE',
        'EXPIRED_TOKEN',
        'THROTTLED',
        'INTEGRATION_TIMEOUT',
      ]),
    );
    expect(problemTypes).toHaveLength(gatewayResponses(synth).length);
  });

  it('when API Gateway fills in each gateway response, then the answer is a problem document with the status it is sent with', () => {
    // Act
    const faults = gatewayResponses(synth).flatMap((response) => {
      const body = filledIn(response, 'Missing Authentication Token');
      if (isCatchAll(response)) return [];
      const parsed = problemSchema.safeParse(body);
      if (!parsed.success) return [`${response.ResponseType}: not a problem document`];
      const { status, code, type } = parsed.data;
      return [
        ...(String(status) === response.StatusCode ? [] : [`${response.ResponseType}: status ${status}`]),
        ...(type.endsWith(`/${code}`) ? [] : [`${response.ResponseType}: type ${type}`]),
        ...(/^[a-z][a-z0-9_]*$/.test(code) ? [] : [`${response.ResponseType}: code ${code}`]),
      ];
    });
    // Assess
    expect(faults).toEqual([]);
  });

  it.each(['DEFAULT_4XX', 'DEFAULT_5XX'])(
    'when the %s catch-all answers, then each type it covers keeps its own status and the body claims none',
    (type) => {
      // Act
      const response = responseOf(synth, type);
      const body = filledIn(response, 'Unsupported Media Type');
      // Assess: a status set on a catch-all becomes that of every type it covers (a 415 or a 404
      // would read 400); the HTTP status is the answer's, and the body has its code and title.
      expect(response.StatusCode).toBeUndefined();
      expect(body).not.toHaveProperty('status');
      expect(body).toMatchObject({ code: expect.stringMatching(/^gateway_/), title: expect.any(String) });
    },
  );

  it('when a JSON body is sent, then it reaches the Lambda as its bytes and no coarse model answers for it', () => {
    // Act
    const api = Object.values(synth.template.findResources('AWS::ApiGateway::RestApi'))[0] as {
      Properties: { BinaryMediaTypes?: string[] };
    };
    const models = synth.template.findResources('AWS::ApiGateway::Model');
    // Assess: as text, API Gateway decoded bytes that are not UTF-8 to U+FFFD itself, and the
    // Lambda's strict check (400 invalid_utf8) never ran: the replacement characters were sent
    expect(api.Properties.BinaryMediaTypes).toEqual(['application/json']);
    // a model reads the body as text; an unreadable one was `validation_failed`, not `malformed_json`
    expect(Object.keys(models)).toEqual([]);
  });

  it('when the stage throttles a caller, then the 429 is `throttled`, not flood_limit, with Retry-After', () => {
    // Act
    const response = responseOf(synth, 'THROTTLED');
    const body = filledIn(response, 'Too Many Requests');
    // Assess: before, {"message":"Too Many Requests"} without a code or Retry-After.
    expect(response.StatusCode).toBe('429');
    expect(body.code).toBe('throttled');
    expect(header(response, 'Retry-After')).toMatch(/^'[1-9][0-9]*'$/);
  });

  it('when a route is unknown or the call unsigned, then the 403 names both causes', () => {
    // Act
    const response = responseOf(synth, 'MISSING_AUTHENTICATION_TOKEN');
    const body = filledIn(response, 'Missing Authentication Token');
    // Assess: API Gateway answers both alike, so neither may be claimed alone (nor a 404).
    expect(response.StatusCode).toBe('403');
    expect(body.code).toBe('unsigned_or_unknown_route');
    expect(body.detail).toMatch(/signature/);
    expect(body.detail).toMatch(/route/);
    expect(body.message).toBe('Missing Authentication Token');
  });

  it('when the Lambda does not answer in time, then the 504 tells the caller to resend with the same Idempotency-Key', () => {
    // Act
    const response = responseOf(synth, 'INTEGRATION_TIMEOUT');
    const body = filledIn(response, 'Endpoint request timed out');
    // Assess: the Lambda may still store and queue the message; a resend without its key sends it twice.
    expect(response.StatusCode).toBe('504');
    expect(body.code).toBe('integration_timeout');
    expect(body.detail).toMatch(/same Idempotency-Key/);
  });

  it('when the stack maps API Gateway’s answers, then the typed client knows every code it uses (GATEWAY_PROBLEM_CODES)', () => {
    // Act
    const used = [...new Set(GATEWAY_PROBLEMS.map(({ code }) => code))].sort();
    // Assess
    expect(used).toEqual([...GATEWAY_PROBLEM_CODES].sort());
  });

  it.each([['lambdas/api/README.md'], ['docs/openapi.json']])(
    'when the stack maps API Gateway’s answers, then %s names each code',
    (doc) => {
      // Prepare
      const text = readFileSync(join(PROJECT_ROOT, doc), 'utf8');
      // Act
      const missing = GATEWAY_PROBLEMS.map(({ code }) => code).filter((code) => !text.includes(code));
      // Assess
      expect(missing).toEqual([]);
    },
  );
});
