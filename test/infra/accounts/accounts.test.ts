import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig as loadBindServiceConfig } from '#bind-service/config.ts';
import { loadConfig as loadApiConfig } from '#lambdas/api/config.ts';
import { loadSweeperConfig } from '#lambdas/sweeper/config.ts';
import { asList, policyStatements, type Synthesised, synthesise, unacknowledgedFindings } from '../synth.ts';

// `cdk synth -c accountsFile=…` with two logins (issue 12): a queue pair each (the first keeps
// today's), both in every runtime's environment in a form its own config accepts, the task may read
// both secrets, per-account alarms and dashboard rows, and cdk-nag and the Control Tower controls
// stay clean; the deployment's default sender (`-c defaultSender`) reaches every login and the API
// alike. One synth for the whole file.

const MAIN_SECRET = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:sms/main-AbCdEf';
const MAIN_TLS_SECRET = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:sms/main-tls-XyZ123';
const MARKETING_SECRET = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:sms/marketing';

const TWO_ACCOUNTS = [
  {
    name: 'main',
    systemId: 'login-main',
    secretArn: MAIN_SECRET,
    host: 'smpp.smscentre.com',
    backupHost: 'smpp2.smscentre.com',
    port: 3443,
    tls: { secretArn: MAIN_TLS_SECRET, servername: 'smpp.smscentre.com' },
  },
  {
    name: 'marketing',
    systemId: 'login-mkt',
    secretArn: MARKETING_SECRET,
    host: 'smpp.smscentre.com',
    port: 3700,
    systemType: 'MCON2',
    binds: 2,
    throughput: 10,
    window: 100,
    senders: ['Promo'],
    prefixes: ['+44'],
    principals: ['arn:aws:iam::111111111111:role/marketing'],
  },
];

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/queue';

/**
 * A template value with CloudFormation's parts replaced by stand-ins (every token here is a queue
 * URL): a queue's Ref by a URL of its own, since the runtimes refuse one queue named twice.
 */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(render).join(join[0]);
  const ref = (value as { Ref?: unknown }).Ref;
  return typeof ref === 'string' ? `${QUEUE_URL}-${ref}` : QUEUE_URL;
}

type Resource = { Properties: Record<string, unknown> };

describe('two accounts from -c accountsFile', () => {
  let dir: string;
  let synth: Synthesised;

  const lambdaEnv = (prefix: string): Record<string, string> => {
    const [fn] = Object.entries(synth.template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => id.startsWith(prefix))
      .map(
        ([, resource]) => resource as { Properties: { Environment: { Variables: Record<string, unknown> } } },
      );
    if (!fn) throw new Error(`no function ${prefix}`);
    const variables = Object.entries(fn.Properties.Environment.Variables);
    return {
      ...Object.fromEntries(variables.map(([name, value]) => [name, render(value)])),
      AWS_REGION: 'eu-central-1',
    };
  };
  const taskEnv = (): Record<string, string> => {
    const [task] = Object.values(synth.template.findResources('AWS::ECS::TaskDefinition')) as {
      Properties: { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
    }[];
    const pairs = task?.Properties.ContainerDefinitions[0]?.Environment ?? [];
    return Object.fromEntries(pairs.map(({ Name, Value }) => [Name, render(Value)]));
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdk-accounts-'));
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify(TWO_ACCOUNTS));
    // The Control Tower controls run as `cdk synth` runs them: a failing one throws here.
    synth = synthesise({ context: { accountsFile: file, defaultSender: 'Brand' }, controlTower: true });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(synth.outdir, { recursive: true, force: true });
  });

  it('when synthesised, then there are two queue pairs and the first keeps the single-login logical ids', () => {
    // Prepare
    const single = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'single-login-resources.json'), 'utf8'),
    ) as Record<string, string>;
    const queues = Object.keys(synth.template.findResources('AWS::SQS::Queue'));
    // Act
    const missing = Object.keys(single).filter((id) => !(id in synth.template.toJSON().Resources));
    // Assess
    expect(missing).toEqual([]);
    expect(queues.filter((id) => /^SmsSenderQueues(Urgent|Bulk)/.test(id))).toHaveLength(4);
    expect(queues.filter((id) => /^SmsSenderQueuesmarketing(Urgent|Bulk)/.test(id))).toHaveLength(4);
  });

  it('when synthesised, then the stack outputs the second pair for publishers straight to SQS', () => {
    // Act
    const output = synth.template.toJSON().Outputs.AccountQueues as { Value: unknown };
    // Assess
    const pairs = JSON.parse(render(output.Value)) as Record<string, Record<string, string>>;
    expect(Object.keys(pairs)).toEqual(['marketing']);
    expect(Object.keys(pairs.marketing ?? {})).toEqual(['urgent', 'bulk', 'urgentDlq', 'bulkDlq']);
    expect(new Set(Object.values(pairs.marketing ?? {})).size).toBe(4);
  });

  it('when the bind-service reads its container environment, then its config holds both logins, each with its queue pair', () => {
    // Prepare
    const env = taskEnv();
    // Act
    const config = loadBindServiceConfig(env);
    // Assess
    expect(env.SMPP_HOST).toBeUndefined();
    expect(config.accounts.map((account) => account.name)).toEqual(['main', 'marketing']);
    const [main, marketing] = config.accounts;
    // The file names each login; its secret holds the password (a systemId there must match).
    expect(main.smpp.credentials).toEqual({ kind: 'secret', secretArn: MAIN_SECRET, systemId: 'login-main' });
    expect(main.smpp.tls).toMatchObject({ enabled: true, secretArn: MAIN_TLS_SECRET });
    expect(marketing?.smpp.credentials).toEqual({
      kind: 'secret',
      secretArn: MARKETING_SECRET,
      systemId: 'login-mkt',
    });
    expect(marketing?.smpp).toMatchObject({ binds: 2, windowSize: 100, throughput: 10 });
    expect(marketing?.queues.urgent.url).toMatch(/SmsSenderQueuesmarketingUrgent/);
    expect(env.SMPP_ACCOUNTS_JSON).not.toMatch(/password/);
  });

  it('when the api and sweeper Lambdas read their environment, then both accounts and the second pair are there', () => {
    // Prepare
    const apiEnv = lambdaEnv('SmsSenderApiHandlerFunction');
    const sweeperEnv = lambdaEnv('SmsSenderSweeperHandlerFunction');
    // Act
    const api = loadApiConfig(apiEnv);
    const sweeper = loadSweeperConfig(sweeperEnv);
    // Assess
    expect(apiEnv.SMPP_SYSTEM_TYPE).toBeUndefined();
    expect(api.accounts.map((account) => account.name)).toEqual(['main', 'marketing']);
    expect(api.accounts[1]).toMatchObject({
      systemType: 'MCON2',
      senders: ['Promo'],
      prefixes: ['+44'],
      principals: ['arn:aws:iam::111111111111:role/marketing'],
    });
    expect(Object.keys(api.accountQueues)).toEqual(['marketing']);
    expect(Object.keys(sweeper.accountQueues)).toEqual(['marketing']);
  });

  it('when defaultSender is given, then every login of the bind-service and the api’s duplicate rule use that one sender', () => {
    // Prepare
    const taskVars = taskEnv();
    const apiVars = lambdaEnv('SmsSenderApiHandlerFunction');
    // Act
    const bindService = loadBindServiceConfig(taskVars);
    const api = loadApiConfig(apiVars);
    // Assess: a message without `from` goes out as it whichever account sends it, and the API
    // compares such a message by it (core/domain/provider/anti-loop.ts).
    expect(taskVars.SMPP_DEFAULT_SENDER).toBe('Brand');
    expect(apiVars.SMPP_DEFAULT_SENDER).toBe('Brand');
    expect(bindService.accounts.map((account) => [account.name, account.smpp.defaultSender])).toEqual([
      ['main', 'Brand'],
      ['marketing', 'Brand'],
    ]);
    expect(bindService.antiLoop.defaultSender).toBe('Brand');
    expect(api.antiLoop.defaultSender).toBe('Brand');
  });

  it('when the sweeper reads its environment without the second pair, then its start is refused naming the account', () => {
    // Prepare: docs/deploy.md and configuration.md say the sweeper gets SMPP_ACCOUNTS_JSON; it did
    // not, so the check that every account has a pair never ran in AWS.
    const sweeperEnv = lambdaEnv('SmsSenderSweeperHandlerFunction');
    // Act
    const act = () => loadSweeperConfig({ ...sweeperEnv, ACCOUNT_QUEUES: '{}' });
    // Assess
    expect(sweeperEnv.SMPP_ACCOUNTS_JSON).toBeDefined();
    expect(act).toThrow(/marketing/);
  });

  it('when synthesised, then the task role reads both logins and the TLS secret, and consumes both pairs', () => {
    // Prepare
    const statements = policyStatements(synth.template).filter((s) =>
      s.policy.startsWith('SmsSenderBindServiceTaskTaskRole'),
    );
    // Act
    const secretResources = statements
      .filter((s) => asList(s.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => asList(s.Resource));
    const received = statements
      .filter((s) => asList(s.Action).includes('sqs:ReceiveMessage'))
      .flatMap((s) => asList(s.Resource))
      .map((resource) => JSON.stringify(resource));
    // Assess
    expect(secretResources).toEqual(
      expect.arrayContaining([MAIN_SECRET, MAIN_TLS_SECRET, `${MARKETING_SECRET}-??????`]),
    );
    expect(received.filter((arn) => arn.includes('SmsSenderQueuesmarketing'))).toHaveLength(2);
    expect(received.filter((arn) => /SmsSenderQueues(Urgent|Bulk)/.test(arn))).toHaveLength(2);
  });

  it('when synthesised, then the api and the sweeper may send to the second pair', () => {
    // Prepare
    const senders = (prefix: string) =>
      policyStatements(synth.template)
        .filter((s) => s.policy.startsWith(prefix) && asList(s.Action).includes('sqs:SendMessage'))
        .flatMap((s) => asList(s.Resource))
        .map((resource) => JSON.stringify(resource));
    // Act
    const api = senders('SmsSenderApiHandlerRole');
    const sweeper = senders('SmsSenderSweeperHandlerRole');
    // Assess
    for (const resources of [api, sweeper]) {
      expect(
        resources.filter((arn) => /SmsSenderQueuesmarketing(Urgent|Bulk)[0-9A-F]{8}"/.test(arn)),
      ).toHaveLength(2);
    }
  });

  it('when synthesised, then every account has its alarms, each notifying the topic on alarm and OK', () => {
    // Prepare
    const alarms = synth.template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
    // Act
    const perAccount = Object.keys(alarms).filter((id) => id.startsWith('SmsSenderOperationsAccount'));
    // Assess
    expect(perAccount).toHaveLength(2 + 4); // BindsDown for each, the second pair's two ages and two DLQs
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toHaveLength(1);
    }
    const bindsDown = Object.entries(alarms).find(([id]) =>
      id.startsWith('SmsSenderOperationsAccountmarketingAccountBindsDown'),
    );
    expect(bindsDown?.[1].Properties).toMatchObject({
      MetricName: 'BindsUp',
      Threshold: 2,
      Dimensions: expect.arrayContaining([{ Name: 'Account', Value: 'marketing' }]),
    });
  });

  it('when synthesised, then the dashboard has a row per account', () => {
    // Prepare
    const [dashboard] = Object.values(
      synth.template.findResources('AWS::CloudWatch::Dashboard'),
    ) as Resource[];
    // Act
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    // Assess
    for (const name of ['main', 'marketing']) {
      for (const title of [
        'sent / throttled per minute',
        'SMPP binds up',
        'oldest message age (s)',
        'queue and DLQ depth',
      ]) {
        expect(body).toContain(`${name}: ${title}`);
      }
    }
  });

  it('when cdk-nag AwsSolutions checks run, then nothing is left unacknowledged', () => {
    // Act
    const findings = unacknowledgedFindings(synth.stack);
    // Assess
    expect(findings).toEqual([]);
  });
});
