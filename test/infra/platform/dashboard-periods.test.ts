import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesised, synthesise } from '../synth.ts';

// The dashboard's "SMPP binds up" widget is the SUM of a gauge
// that every task writes once a minute (bind-service/metrics.ts), and the account rows show
// Submitted / Throttled "per minute" (docs/operations.md, "The dashboard"). Both are right only
// while the graph's period is 60 s. The dashboard sets no periodOverride, and CloudWatch's (and
// CDK's) default for a dashboard is `auto`: "the period of all graphs on the dashboard
// automatically adapt[s] to the time range" (aws-cdk-lib/aws-cloudwatch DashboardProps.periodOverride,
// @default Auto). Widen the range (a week, to look back at an incident) and the period becomes
// minutes or an hour: the binds widget then shows ~N × 60 "binds up" per task, the per-minute rows
// show per-hour totals, and a short drop of binds disappears in the sum. So each graph keeps its own.

/** The dashboard body with its CloudFormation tokens replaced by a placeholder. */
function dashboardBody(synth: Synthesised): string {
  const dashboards = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: string | { 'Fn::Join': [string, unknown[]] } };
  }[];
  const body = dashboards[0]?.Properties.DashboardBody;
  if (typeof body === 'string') return body;
  return (body?.['Fn::Join'][1] ?? []).map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
}

describe('dashboard periods vs the per-minute figures it graphs', () => {
  let synth: Synthesised;
  beforeAll(() => {
    synth = synthesise();
  });

  it('when the dashboard graphs BindsUp as a Sum over 60 s periods, then the dashboard pins each graph to its own period (periodOverride inherit)', () => {
    // Prepare
    const body = JSON.parse(dashboardBody(synth)) as {
      periodOverride?: string;
      widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
    };
    const binds = body.widgets.find((widget) => widget.properties.title === 'SMPP binds up');
    // Assess: the widget relies on one line per task per 60 s period ...
    expect(binds?.properties.metrics?.[0]).toEqual([
      'SmsSender',
      'BindsUp',
      'Service',
      'SmsSender',
      { period: 60, stat: 'Sum' },
    ]);
    // ... which holds only when CloudWatch may not widen the period with the time range.
    expect(body.periodOverride).toBe('inherit');
  });
});
