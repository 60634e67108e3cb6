import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_RULES } from '../../../cdk/constructs/platform/controls.ts';
import { PROJECT_ROOT } from '../../../cdk/paths.ts';
import { asList, policyStatements, type Synthesised, synthesise } from '../synth.ts';

// What docs/operations.md and docs/deploy.md promise about alarms and Control Tower controls, held
// to what the stack builds: a new alarm or waiver without its line in the docs fails here.

/** The controls that failed before the stack was fitted to them (issue 14). */
const FITTED_CONTROLS = [
  'CT.APIGATEWAY.PR.1',
  'CT.CLOUDWATCH.PR.1',
  'CT.CLOUDWATCH.PR.2',
  'CT.CLOUDWATCH.PR.3',
  'CT.DYNAMODB.PR.2',
  'CT.EC2.PR.11',
  'CT.ECS.PR.2',
  'CT.ECS.PR.3',
  'CT.ECS.PR.7',
  'CT.LAMBDA.PR.2',
  'CT.LAMBDA.PR.3',
  'CT.SQS.PR.1',
];

/** The cells of the Markdown table rows (header and separator left out) under `heading` in `doc`. */
function tableRows(doc: string, heading: string): string[][] {
  const text = readFileSync(join(PROJECT_ROOT, 'docs', doc), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/${doc} has no "${heading}"`);
  const level = heading.split(' ')[0] ?? '';
  const end = text.indexOf(`\n${level} `, start + heading.length + 2);
  const section = text.slice(start, end < 0 ? undefined : end);
  const rows = section.split('\n').filter((line) => line.startsWith('|') && !/^\|[\s|-]+\|$/.test(line));
  return rows.slice(1).map((row) =>
    row
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
}

function backticked(cell: string | undefined): string[] {
  return [...(cell ?? '').matchAll(/`([A-Za-z0-9]+)`/g)].map((match) => match[1] ?? '');
}

/** Two logins, as `-c accountsFile=…` gives them: the per-account alarms exist only then. */
const TWO_ACCOUNTS = ['main', 'marketing'].map((name) => ({
  name,
  systemId: `login-${name}`,
  secretArn: `arn:aws:secretsmanager:eu-central-1:111111111111:secret:sms/${name}-AbCdEf`,
  host: 'smpp.smscentre.com',
  port: 3443,
  tls: true,
}));

function alarmIds(synthesised: Synthesised): string[] {
  return synthesised.stack.node
    .findAll()
    .filter((construct) => construct instanceof cloudwatch.Alarm)
    .map((alarm) => alarm.node.id);
}

/** The runbook row (its condition cell) of each alarm named in its first cell. */
function runbookConditions(): Map<string, string> {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');
  const start = doc.indexOf('\n## Alarms and what to do\n');
  const section = doc.slice(start, doc.indexOf('\n### ', start));
  const rows = new Map<string, string>();
  for (const line of section.split('\n').filter((row) => row.startsWith('| `'))) {
    const [names = '', condition = ''] = line
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    for (const [, name] of names.matchAll(/`([A-Za-z0-9]+)`/g)) rows.set(name ?? '', condition);
  }
  return rows;
}

/** Minutes the condition must hold: evaluation periods × period. */
function holdMinutes(alarm: cloudwatch.Alarm): number {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const metrics = (cfn.metrics ?? []) as cloudwatch.CfnAlarm.MetricDataQueryProperty[];
  const period =
    (cfn.period as number | undefined) ??
    (metrics.find((query) => query.returnData !== false)?.period as number | undefined) ??
    (metrics.map((query) => (query.metricStat as { period?: number } | undefined)?.period).find(Boolean) as
      | number
      | undefined) ??
    0;
  return ((cfn.evaluationPeriods as number) * period) / 60;
}

describe('operations and deploy docs', () => {
  let synth: Synthesised;
  let accounts: Synthesised;
  let dir: string;

  beforeAll(() => {
    synth = synthesise();
    dir = mkdtempSync(join(tmpdir(), 'cdk-accounts-'));
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify(TWO_ACCOUNTS));
    accounts = synthesise({ context: { accountsFile: file } });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when alarms are synthesised with one login and with two accounts, then docs/operations.md says who gets each one and what to do about it', () => {
    // Prepare
    const single = alarmIds(synth);
    // Per account: the same ids under each account's construct (AccountBindsDown & co.).
    const alarms = [...new Set([...single, ...alarmIds(accounts)])].sort();
    // Act
    const whoGetsWhat = tableRows('operations.md', '## Who gets the alarms').flatMap((row) =>
      backticked(row[1]),
    );
    const runbook = tableRows('operations.md', '## Alarms and what to do').flatMap((row) =>
      backticked(row[0]),
    );
    // Assess
    expect(single).toHaveLength(16);
    expect(alarmIds(accounts)).toHaveLength(16 + 2 + 4);
    expect(whoGetsWhat.sort()).toEqual(alarms);
    expect(runbook.sort()).toEqual(alarms);
  });

  it('when a depth alarm watches a queue nothing reads, then its runbook row says how to empty it (the alarm stays raised, and silent to new failures, until then)', () => {
    // Prepare: every `…Depth` alarm is Maximum(visible) > 0 on a DLQ or failure destination kept
    // 14 days. Found by the alarms audit: the status-stream and sweeper rows never said so.
    const depthAlarms = alarmIds(synth).filter((id) => id.endsWith('Depth'));
    const steps = new Map(
      tableRows('operations.md', '## Alarms and what to do').flatMap((row) =>
        backticked(row[0]).map((name) => [name, row[2] ?? ''] as const),
      ),
    );
    // Act
    const silent = depthAlarms.filter((id) => !/\b(delete|redrive|purge)\b/i.test(steps.get(id) ?? ''));
    // Assess
    expect(depthAlarms).toEqual(
      expect.arrayContaining(['UrgentDlqDepth', 'StatusStreamFailuresDepth', 'SweeperFailuresDepth']),
    );
    expect(silent).toEqual([]);
  });

  it('when the one-login stack is synthesised, then docs/cost.md prices as many alarms and alarm metrics as it holds', () => {
    // Prepare: CloudWatch bills an alarm per metric it reads, a metric-math alarm for each in its expression.
    const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { MetricName?: string; Metrics?: { MetricStat?: unknown }[] };
    }[];
    const metrics = alarms.reduce(
      (sum, { Properties: alarm }) =>
        sum + (alarm.MetricName ? 1 : (alarm.Metrics ?? []).filter((query) => query.MetricStat).length),
      0,
    );
    const cost = readFileSync(join(PROJECT_ROOT, 'docs', 'cost.md'), 'utf8');
    // Act
    const row = cost.split('\n').find((line) => /^\|\s*CloudWatch alarms\s*\|/.test(line)) ?? '';
    const counted = /(\d+) standard alarms, (\d+) metrics/.exec(row);
    // Assess: before, the row said 12 alarms and 13 metrics.
    expect({ alarms: Number(counted?.[1]), metrics: Number(counted?.[2]) }).toEqual({
      alarms: alarms.length,
      metrics,
    });
  });

  it('when the stack idles, then docs/cost.md counts every long-polled queue and the scheduled Lambda', () => {
    // Prepare: queues polled around the clock (the bind-service's, and those a Lambda event source
    // mapping reads: its pollers' ReceiveMessage calls are billed too), and scheduled Lambda targets.
    const polledByTask = policyStatements(synth.template)
      .filter((statement) => /^SmsSenderBindServiceTaskTaskRole/.test(statement.policy))
      .filter((statement) => asList(statement.Action).includes('sqs:ReceiveMessage'))
      .flatMap((statement) => asList(statement.Resource).map((resource) => JSON.stringify(resource)));
    const polledByLambda = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping'))
      .map((mapping) => JSON.stringify((mapping.Properties as { EventSourceArn: unknown }).EventSourceArn))
      .filter((arn) => !arn.includes('Stream'));
    const schedules = Object.values(synth.template.findResources('AWS::Events::Rule')).filter((rule) => {
      const props = rule.Properties as { ScheduleExpression?: string; Targets?: { Arn: unknown }[] };
      return (
        props.ScheduleExpression &&
        (props.Targets ?? []).some((t) => JSON.stringify(t.Arn).includes('Function'))
      );
    });
    const cost = readFileSync(join(PROJECT_ROOT, 'docs', 'cost.md'), 'utf8').split('\n');
    // Act
    const sqsRow = cost.find((line) => /^\|\s*SQS\s*\|/.test(line)) ?? '';
    const lambdaRow = cost.find((line) => /^\|\s*API Gateway REST, Lambda/.test(line)) ?? '';
    // Assess: before, the row counted 2 queues (not the callback queue) and said an idle stack
    // invokes no Lambda, while the sweeper runs every 2 minutes.
    expect(Number(/(\d+) queues long-polled/.exec(sqsRow)?.[1])).toBe(
      new Set([...polledByTask, ...polledByLambda]).size,
    );
    expect(schedules).toHaveLength(1);
    expect(lambdaRow).toMatch(/sweeper every 2 min/);
  });

  it('when docs/operations.md tells how to rotate the callback signing key, then it names the function that reads it', () => {
    // Prepare: the function whose environment names the key (it reads it once per execution environment).
    const readers = Object.entries(synth.template.findResources('AWS::Lambda::Function'))
      .filter(([, fn]) => JSON.stringify(fn).includes('CALLBACK_SIGNING_SECRET_ARN'))
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');
    const start = doc.indexOf('- Callback signing key:');
    const bullet = doc.slice(start, doc.indexOf('\n- ', start + 1));
    // Assess: it said "the status Lambda's next cold start", a function that never reads the key.
    expect(start).toBeGreaterThan(0);
    expect(readers).toEqual(['SmsSenderCallbacksWorkerFunction']);
    expect(bullet).toContain('callback worker');
    expect(bullet).toContain('CallbacksWorker');
    expect(bullet).not.toMatch(/status Lambda/i);
  });

  it('when the constructs waive Control Tower controls, then docs/deploy.md marks exactly those as waived and the other fitted ones as fixed', () => {
    // Act
    const rows = tableRows('deploy.md', '### AWS Control Tower proactive controls');
    const outcome = (row: string[]): string => (row[2]?.startsWith('waived') ? 'waived' : (row[2] ?? ''));
    // Assess
    expect(rows.map((row) => row[0])).toEqual(FITTED_CONTROLS);
    expect(rows.filter((row) => outcome(row) === 'waived').map((row) => row[0])).toEqual(
      Object.keys(GUARD_RULES).sort(),
    );
    expect(rows.filter((row) => outcome(row) !== 'waived').map(outcome)).toEqual(Array(8).fill('fixed'));
    for (const row of rows) expect(row[3]?.length ?? 0, row[0]).toBeGreaterThan(40);
  });

  it('when an alarm fires only after its condition held for several periods, then its runbook row says for how long', () => {
    // Prepare
    const conditions = runbookConditions();
    const alarms = synth.stack.node
      .findAll()
      .filter((construct): construct is cloudwatch.Alarm => construct instanceof cloudwatch.Alarm);
    // Act: each alarm that needs more than one period, with what its row says.
    const unsaid = alarms
      .filter((alarm) => ((alarm.node.defaultChild as cloudwatch.CfnAlarm).evaluationPeriods as number) > 1)
      .map((alarm) => ({ name: alarm.node.id, minutes: holdMinutes(alarm) }))
      .filter(({ name, minutes }) => !(conditions.get(name) ?? '').includes(`for ${minutes} min`))
      .map(({ name, minutes }) => `${name}: holds ${minutes} min; row says "${conditions.get(name)}"`);
    // Assess: before, UrgentOldestMessageAge's row gave only its 120 s, while it pages once the oldest
    // message has been over it for 5 one-minute periods (about 7 minutes after one got stuck, not 2);
    // StatusStreamLag's and BulkOldestMessageAge's rows likewise.
    expect([...new Set(unsaid)].sort()).toEqual([]);
  });
});
