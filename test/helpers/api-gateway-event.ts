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
  base64?: boolean;
}

const DOMAIN = 'abc123defg.execute-api.eu-west-1.amazonaws.com';

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
        sourceIp: '203.0.113.7',
        userAgent: 'aws-sdk-js',
        userArn,
      },
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
