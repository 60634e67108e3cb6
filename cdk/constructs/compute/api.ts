import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { waiveControl } from '../platform/controls.ts';
import { createLogGroup, type LogSettings } from '../platform/log-group.ts';
import { addGatewayProblems } from './gateway-problems.ts';
import type { NodeFunction } from './node-function.ts';

// The HTTPS front door: a regional REST API, SigV4 (IAM) on every method, a resource policy that
// only admits the listed principals, request parameters validated in front of the Lambda (which
// validates bodies, read as bytes), API Gateway's own answers as problem+json
// (gateway-problems.ts), access and execution logs, X-Ray and stage throttling. Every route goes to
// the one api Lambda (lambdas/api).

export interface ApiThrottle {
  /** Steady requests per second for the whole stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface SmsApiProps {
  readonly handler: NodeFunction;
  /**
   * IAM principal ARNs allowed to call: roles, users, or `arn:aws:iam::<account>:root` for every
   * principal of an account (which still needs an identity policy granting execute-api:Invoke).
   */
  readonly allowedPrincipalArns: readonly string[];
  readonly throttle: ApiThrottle;
  readonly logs: LogSettings;
  /** Set the account's API Gateway CloudWatch Logs role, which execution logging needs (props.ts). */
  readonly accountLogRole: boolean;
}

const STAGE = 'prod';

interface Route {
  readonly path: string;
  readonly methods: readonly ('GET' | 'HEAD' | 'POST')[];
}

/** The routes lambdas/api/app.ts serves; anything else never reaches the Lambda. */
const ROUTES: readonly Route[] = [
  { path: 'v1/messages', methods: ['POST'] },
  { path: 'v1/messages/{id}', methods: ['GET', 'HEAD'] },
  { path: 'v1/batches', methods: ['POST'] },
  { path: 'v1/batches/{id}', methods: ['GET', 'HEAD'] },
];

/** `…:root` admits the whole account: any principal ARN in it (each still needs an identity policy). */
function principalArnPattern(arn: string): string {
  return arn.replace(/:root$/, ':*');
}

function resourcePolicy(allowed: readonly string[]): iam.PolicyDocument {
  const invoke = { actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ ...invoke, principals: allowed.map((arn) => new iam.ArnPrincipal(arn)) }),
      // For same-account callers API Gateway admits a request allowed by EITHER the caller's
      // identity policy or this policy; the explicit deny makes the list binding for them too.
      new iam.PolicyStatement({
        ...invoke,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': allowed.map(principalArnPattern) } },
      }),
    ],
  });
}

const field = apigateway.AccessLogField;

/** One JSON line per request: who called, what, the outcome, and why API Gateway failed it if it did. */
const ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(
  JSON.stringify({
    requestId: field.contextRequestId(),
    requestTime: field.contextRequestTime(),
    ip: field.contextIdentitySourceIp(),
    callerAccount: field.contextCallerAccountId(),
    userArn: field.contextIdentityUserArn(),
    method: field.contextHttpMethod(),
    resourcePath: field.contextResourcePath(),
    status: field.contextStatus(),
    responseLength: field.contextResponseLength(),
    integrationLatency: field.contextIntegrationLatency(),
    error: field.contextErrorMessage(),
    integrationError: field.contextIntegrationErrorMessage(),
  }),
);

export class SmsApi extends Construct {
  readonly restApi: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: SmsApiProps) {
    super(scope, id);
    if (props.allowedPrincipalArns.length === 0) {
      throw new Error('SmsApi: allowedPrincipalArns is empty; nobody could call the API');
    }
    // Kept when the stack is deleted: the record of who called the API.
    const accessLogs = createLogGroup(this, 'AccessLogs', props.logs, {
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new apigateway.RestApi(this, 'Api', {
      // API Gateway keys its metrics by ApiName: the construct id alone ("Api") is shared with
      // every other REST API so named in the region (another stack of this app), whose 5xx would
      // page here.
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'SMS sender: send messages and batches, read their status (SigV4)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // JSON bodies reach the Lambda as their bytes (base64, isBase64Encoded), which it decodes
      // strictly (400 invalid_utf8). As text, API Gateway decoded them itself and bytes that are
      // not UTF-8 became U+FFFD, accepted and sent to the subscriber as such.
      binaryMediaTypes: ['application/json'],
      policy: resourcePolicy(props.allowedPrincipalArns),
      // Execution logging fails to deploy unless the account (per region) names a CloudWatch Logs
      // role for API Gateway. CDK retains the role and the setting on stack deletion, so other APIs
      // of the account keep logging; where a landing zone owns the setting, accountLogRole is
      // false.
      cloudWatchRole: props.accountLogRole,
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      deployOptions: {
        stageName: STAGE,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        // Execution logs (CT.APIGATEWAY.PR.1): errors only, and never request or response bodies,
        // which hold phone numbers and message text.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
      },
    });

    // RestApi adds a CfnOutput of its URL to whatever stack holds it; the owning stack decides.
    this.restApi.node.tryRemoveChild('Endpoint');

    // API Gateway writes execution logs to this name and would create the group itself, without
    // retention; created first, it has the stack's retention (and key) and goes with the stack.
    const executionLogs = createLogGroup(this, 'ExecutionLogs', props.logs, {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${STAGE}`,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    // Parameters only. The body is the Lambda's to check: it arrives as bytes (binaryMediaTypes),
    // and a coarse "JSON object" model before it answered an unreadable body `validation_failed`
    // where the API documents `malformed_json`, with API Gateway's words for detail.
    const validator = this.restApi.addRequestValidator('Validator', {
      validateRequestBody: false,
      validateRequestParameters: true,
    });
    addGatewayProblems(this.restApi);

    const integration = new apigateway.LambdaIntegration(props.handler.function, { allowTestInvoke: false });
    for (const route of ROUTES) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const hasId = route.path.endsWith('{id}');
      for (const method of route.methods) {
        resource.addMethod(method, integration, {
          authorizationType: apigateway.AuthorizationType.IAM,
          requestValidator: validator,
          requestParameters: hasId ? { 'method.request.path.id': true } : {},
        });
      }
    }

    waiveControl(
      this.restApi,
      'CT.LAMBDA.PR.2',
      "Every invoke permission is scoped with SourceArn to this API's own stage, method and path (test/infra/platform/control-tower.test.ts checks it), but the ARN is an Fn::Join of the API's id, and the Guard rule accepts only a literal string or a bare Ref/GetAtt at synth. Control Tower's deploy-time hook sees the resolved ARN.",
    );
    const accountRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (accountRole) {
      Validations.of(accountRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-wide API Gateway logging role uses AmazonAPIGatewayPushToCloudWatchLogs, the policy AWS maintains for it: it must write execution and access logs of every API in the account and region, not only this one.',
      });
    }

    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Parameters are validated by API Gateway; bodies by the api Lambda, which reads them as bytes (binaryMediaTypes) to refuse those that are not UTF-8 and answers every problem precisely. A body model in front read the body as text and answered an unreadable one validation_failed instead of malformed_json.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF: every method requires SigV4 and the resource policy admits listed principals only, so anonymous traffic is refused before it costs anything; stage throttling caps callers. Attach a web ACL in front if the API is ever opened wider.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Callers are AWS principals authorised with IAM (SigV4), not Cognito users (SPEC §3 "IAM-authorised").',
      },
    );
  }

  /**
   * execute-api:Invoke on exactly the routes of one kind: `send` the POST routes, `read` the GET
   * and HEAD ones. The resource policy must admit the grantee too (allowedPrincipalArns; by default
   * the whole deploying account, so a role of it needs only this identity policy).
   */
  grantInvoke(grantee: iam.IGrantable, access: 'send' | 'read'): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: this.routeArns(access),
    });
  }

  /** The execute-api ARNs of one kind of route; `{id}` becomes `*` (any message or batch id). */
  routeArns(access: 'send' | 'read'): string[] {
    const methods: readonly string[] = access === 'send' ? ['POST'] : ['GET', 'HEAD'];
    return ROUTES.flatMap((route) =>
      route.methods
        .filter((method) => methods.includes(method))
        .map((method) => this.restApi.arnForExecuteApi(method, `/${route.path.replace('{id}', '*')}`, STAGE)),
    );
  }

  /** The stage URL, e.g. https://abc.execute-api.eu-central-1.amazonaws.com/prod/ */
  get url(): string {
    return this.restApi.url;
  }
}
