import { describe, expect, it, vi } from 'vitest';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from './fixtures.ts';

// The EMF lines as docs/operations.md defines them ("Metrics the bind-service must emit"):
//   `Submitted` | count since the previous line: SUBMIT_SM answered (any status)
//   `Throttled` | count since the previous line: throttling answers, ESME_RTHROTTLED or ESME_RMSGQFUL
// and the ThrottlingRate alarm is "> 5 % of submits answered ESME_RTHROTTLED" = 100 * Throttled / Submitted.
// The service writes the real service's EMF lines (METRICS_NAMESPACE set, as in AWS); the lines are
// read from stdout and their deltas added up.

interface EmfLine {
  _aws?: unknown;
  Submitted?: number;
  Throttled?: number;
}

function emfTotals(writes: unknown[][]): { submitted: number; throttled: number; lines: number } {
  const lines = writes
    .map(([chunk]) => String(chunk))
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"CloudWatchMetrics"'))
    .map((line) => JSON.parse(line) as EmfLine);
  return {
    submitted: lines.reduce((sum, line) => sum + (line.Submitted ?? 0), 0),
    throttled: lines.reduce((sum, line) => sum + (line.Throttled ?? 0), 0),
    lines: lines.length,
  };
}

describe('bind-service EMF metrics: Submitted and Throttled as docs/operations.md defines them (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when 3 submits are answered ESME_RTHROTTLED and the 4th OK, then Submitted counts the 4 SUBMIT_SM answered and ThrottlingRate is 75 %, not 300 %', async () => {
    // Prepare
    const stdout = vi.spyOn(process.stdout, 'write');
    defer(() => stdout.mockRestore());
    const rig = await startRig(aws, defer, {
      env: { METRICS_NAMESPACE: 'SmsSender', METRICS_SERVICE: 'audit', METRICS_INTERVAL_SECONDS: '3600' },
    });
    rig.simulator.fault({ type: 'throttle', count: 3 });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(71), text: 'Throttled three times, then taken' });
    await waitForRecord(rig, id, statusIs('submitted', 'delivered', 'failed', 'unknown'), 20_000);
    await rig.service.stop(); // writes the last interval's line
    // Assess
    expect(rig.simulator.stats.submits).toBe(4);
    const totals = emfTotals(stdout.mock.calls);
    expect(totals.lines).toBeGreaterThan(0);
    expect(totals.throttled).toBe(3);
    expect(totals.submitted).toBe(4);
  });

  it('when the SMSC refuses a submit for good (ESME_RINVDSTADR), then Submitted still counts that answered SUBMIT_SM', async () => {
    // Prepare
    const stdout = vi.spyOn(process.stdout, 'write');
    defer(() => stdout.mockRestore());
    const rig = await startRig(aws, defer, {
      env: { METRICS_NAMESPACE: 'SmsSender', METRICS_SERVICE: 'audit', METRICS_INTERVAL_SECONDS: '3600' },
    });
    rig.simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RINVDSTADR, count: 1 });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(72), text: 'Refused for good' });
    const record = await waitForRecord(
      rig,
      id,
      statusIs('failed', 'submitted', 'delivered', 'unknown'),
      20_000,
    );
    await rig.service.stop();
    // Assess
    expect(record.status).toBe('failed');
    expect(rig.simulator.stats.submits).toBe(1);
    expect(emfTotals(stdout.mock.calls).submitted).toBe(1);
  });
});
