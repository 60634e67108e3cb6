import type { LambdaEvent } from 'hono/aws-lambda';

// API Gateway REST API proxy events (payload as documented for the Lambda proxy integration, with IAM
// auth filling requestContext.identity), for driving the Lambda handler the way API Gateway does.

export interface RestEventInit {
  method: string;
  /** The resource path as the function sees it, without the stage: "/v1/messages". */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The IAM principal that signed the request. */
  userArn?: string;
  /** Other requestContext.identity fields, as API Gateway fills them for that kind of principal. */
  identity?: Partial<CallerIdentity>;
  base64?: boolean;
}

const DOMAIN = 'abc123defg.execute-api.eu-west-1.amazonaws.com';

/** requestContext.identity of a REST API with IAM auth; null where the principal has no such field. */
export interface CallerIdentity {
  accessKey: string | null;
  accountId: string | null;
  caller: string | null;
  user: string | null;
  userArn: string | null;
  cognitoIdentityId: string | null;
  cognitoIdentityPoolId: string | null;
  cognitoAuthenticationType: string | null;
  cognitoAuthenticationProvider: string | null;
  principalOrgId: string | null;
  sourceIp: string;
  userAgent: string;
}

/** What API Gateway puts in requestContext.identity for each kind of signing principal. */
export const IDENTITIES = {
  /** A role assumed by a task or function: the session name differs per task and per refresh. */
  assumedRole: (role: string, session: string): Partial<CallerIdentity> => ({
    caller: `AROAEXAMPLEROLEID:${session}`,
    user: `AROAEXAMPLEROLEID:${session}`,
    userArn: `arn:aws:sts::123456789012:assumed-role/${role}/${session}`,
  }),
  iamUser: (name: string, userId: string): Partial<CallerIdentity> => ({
    caller: userId,
    user: userId,
    userArn: `arn:aws:iam::123456789012:user/${name}`,
  }),
  /** sts:GetFederationToken: the name is chosen by whoever federated the user. */
  federatedUser: (name: string): Partial<CallerIdentity> => ({
    caller: `123456789012:${name}`,
    user: `123456789012:${name}`,
    userArn: `arn:aws:sts::123456789012:federated-user/${name}`,
  }),
  /** A Cognito identity pool user: every user of the pool signs with the same role and session name. */
  cognitoUser: (identityId: string): Partial<CallerIdentity> => ({
    caller: 'AROAEXAMPLECOGNITO:CognitoIdentityCredentials',
    user: 'AROAEXAMPLECOGNITO:CognitoIdentityCredentials',
    userArn: 'arn:aws:sts::123456789012:assumed-role/Cognito_OrdersAuth_Role/CognitoIdentityCredentials',
    cognitoIdentityId: identityId,
    cognitoIdentityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
    cognitoAuthenticationType: 'authenticated',
  }),
};

export function restApiEvent(init: RestEventInit): LambdaEvent {
  const headers: Record<string, string> = { Host: DOMAIN, 'User-Agent': 'aws-sdk-js', ...init.headers };
  const userArn = init.userArn ?? 'arn:aws:iam::123456789012:role/orders-service';
  const event = {
    resource: '/{proxy+}',
    path: init.path,
    httpMethod: init.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: init.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123defg',
      authorizer: {},
      domainName: DOMAIN,
      domainPrefix: 'abc123defg',
      extendedRequestId: 'Ext-1',
      httpMethod: init.method,
      identity: {
        accessKey: 'ASIAEXAMPLE',
        accountId: '123456789012',
        caller: 'AROAEXAMPLE:orders',
        user: 'AROAEXAMPLE:orders',
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        userAgent: 'aws-sdk-js',
        userArn,
        ...init.identity,
      } satisfies CallerIdentity,
      path: `/prod${init.path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '09/Apr/2030:12:34:56 +0000',
      requestTimeEpoch: 1_901_961_296_000,
      resourceId: 'res1',
      resourcePath: '/{proxy+}',
      stage: 'prod',
    },
    body:
      init.body === undefined ? null : init.base64 ? Buffer.from(init.body).toString('base64') : init.body,
    isBase64Encoded: init.base64 ?? false,
  };
  // Hono's type wants a `version` that REST API events do not carry (only HTTP API payloads do).
  return event as unknown as LambdaEvent;
}
