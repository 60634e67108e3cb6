import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgements,
  asList,
  policyStatements,
  type Synthesised,
  synthesise,
  unacknowledgedFindings,
} from './synth.ts';

// Who may call what, and what each role may touch: IAM on every API method, the resource policy, no
// wildcard resources beyond those AWS requires, nothing secret in plain environment variables, and
// cdk-nag's AwsSolutions pack with every suppression explained.

/** Actions AWS offers no resource-level permission for: `Resource: "*"` is the only way to grant them. */
const ACTIONS_REQUIRING_STAR = new Set([
  'xray:PutTraceSegments', // Lambda active tracing
  'xray:PutTelemetryRecords',
  'ecr:GetAuthorizationToken', // Fargate image pull (execution role)
  'dynamodb:ListStreams', // Lambda's DynamoDB stream event source
]);

/** The suppressions this stack carries on purpose; a new one must be added here with its reason. */
const EXPECTED_ACKNOWLEDGEMENTS = [
  'AwsSolutions-APIG2', // bodies are validated by the Lambda, which reads them as bytes
  'AwsSolutions-APIG3',
  'AwsSolutions-COG4',
  'AwsSolutions-ECS2',
  'AwsSolutions-ECS4',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-L1',
  'AwsSolutions-SMG4',
  'AwsSolutions-SNS2',
  'AwsSolutions-SQS3',
];

describe('SmsSender stack security', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise({ bundle: true, validateTemplate: true });
  });

  it('when the API is synthesised, then every method requires IAM (SigV4) authorisation', () => {
    // Prepare
    const methods = synth.template.findResources('AWS::ApiGateway::Method');
    // Act
    const authorisations = Object.values(methods).map(
      (method) => (method as { Properties: { AuthorizationType?: string } }).Properties.AuthorizationType,
    );
    // Assess
    expect(authorisations).toHaveLength(6);
    expect(new Set(authorisations)).toEqual(new Set(['AWS_IAM']));
  });

  it('when the API is synthesised, then its resource policy allows the listed principals and denies all others', () => {
    // Prepare
    const invoke = { Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };
    // Act
    const policy = Match.objectLike({
      Statement: Match.arrayWith([
        Match.objectLike({ ...invoke, Effect: 'Allow', Principal: { AWS: Match.anyValue() } }),
        Match.objectLike({
          ...invoke,
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Condition: { ArnNotLike: { 'aws:PrincipalArn': Match.anyValue() } },
        }),
      ]),
    });
    // Assess
    synth.template.hasResourceProperties('AWS::ApiGateway::RestApi', { Policy: policy });
  });

  it('when principals are listed, then only they are allowed and the deny exempts exactly them', () => {
    // Prepare
    const role = 'arn:aws:iam::111111111111:role/orders';
    const account = 'arn:aws:iam::222222222222:root';
    // Act
    const listed = synthesise({ context: { allowedPrincipals: `${role},${account}` } });
    // Assess
    listed.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: Match.objectLike({
        Statement: [
          Match.objectLike({ Effect: 'Allow', Principal: { AWS: [role, account] } }),
          Match.objectLike({
            Effect: 'Deny',
            Condition: { ArnNotLike: { 'aws:PrincipalArn': [role, 'arn:aws:iam::222222222222:*'] } },
          }),
        ],
      }),
    });
  });

  it('when the API is synthesised, then requests are validated, logged and throttled', () => {
    // Prepare
    const validator = Object.keys(synth.template.findResources('AWS::ApiGateway::RequestValidator'))[0];
    // Act
    const methods = Object.values(synth.template.findResources('AWS::ApiGateway::Method')) as {
      Properties: { RequestValidatorId?: unknown };
    }[];
    // Assess
    expect(validator).toBeDefined();
    for (const method of methods) expect(method.Properties.RequestValidatorId).toEqual({ Ref: validator });
    // Bodies are the Lambda's: they reach it as bytes, which a body model would read as text
    synth.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: false,
      ValidateRequestParameters: true,
    });
    synth.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('requestId.*userArn.*status'),
      },
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
          HttpMethod: '*',
          ResourcePath: '/*',
          // Execution logs: errors only, never request bodies (phone numbers, message text).
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]),
    });
  });

  it('when any role is synthesised, then no statement grants Resource "*" except for actions AWS requires it for', () => {
    // Prepare
    const statements = policyStatements(synth.template);
    // Act
    const starActions = statements
      .filter((statement) => asList(statement.Resource).includes('*'))
      .flatMap((statement) => asList(statement.Action));
    // Assess
    expect(statements.length).toBeGreaterThan(10);
    expect(starActions.filter((action) => !ACTIONS_REQUIRING_STAR.has(action))).toEqual([]);
  });

  it('when any role is synthesised, then no statement uses a wildcard action', () => {
    // Prepare
    const statements = policyStatements(synth.template);
    // Act
    const wildcards = statements
      .flatMap((statement) => asList(statement.Action))
      .filter((a) => a.includes('*'));
    // Assess
    expect(wildcards).toEqual([]);
  });

  it('when the bind-service task is synthesised, then the SMPP login is not in its environment but its secret ARN is', () => {
    // Prepare
    const [task] = Object.values(synth.template.findResources('AWS::ECS::TaskDefinition')) as {
      Properties: { ContainerDefinitions: { Environment: { Name: string }[]; Secrets?: unknown }[] };
    }[];
    // Act
    const names =
      task?.Properties.ContainerDefinitions[0]?.Environment.map((variable) => variable.Name) ?? [];
    // Assess
    expect(names).toContain('SMPP_SECRET_ARN');
    expect(names).not.toContain('SMPP_PASSWORD');
    expect(names).not.toContain('SMPP_SYSTEM_ID');
  });

  it('when the bind-service is synthesised, then it runs in private subnets without a public IP and talks only SMPP and HTTPS', () => {
    // Prepare
    const egress = [
      Match.objectLike({ IpProtocol: 'tcp', FromPort: 3443, ToPort: 3443 }),
      Match.objectLike({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ];
    // Act
    const securityGroups = synth.template.findResources('AWS::EC2::SecurityGroup');
    // Assess
    expect(Object.keys(securityGroups)).toHaveLength(1);
    synth.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.exact(egress),
      SecurityGroupIngress: Match.absent(),
    });
    synth.template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  it('when cdk-nag AwsSolutions checks the app, then no finding is left unacknowledged', () => {
    // Act
    const findings = unacknowledgedFindings(synth.app);
    // Assess
    expect(findings).toEqual([]);
  });

  it('when rules are acknowledged, then each is an expected one and carries a written reason', () => {
    // Act
    // CDK itself acknowledges some of its own CloudFormation-Validate rules: only cdk-nag's are ours.
    const found = acknowledgements(synth.app)
      .map((ack) => ({ ...ack, rule: ack.rule.replace(/^Annotation::/, '') }))
      .filter((ack) => ack.rule.startsWith('AwsSolutions-'));
    // Assess
    expect([...new Set(found.map((ack) => ack.rule))].sort()).toEqual(EXPECTED_ACKNOWLEDGEMENTS);
    for (const ack of found) expect(ack.reason.length, `${ack.rule} on ${ack.path}`).toBeGreaterThan(60);
  });
});
