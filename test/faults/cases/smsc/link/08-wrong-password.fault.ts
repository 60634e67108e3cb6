import { describe, expect, it } from 'vitest';
import { elapse } from '#test/helpers/wait.ts';
import { runCase, waitForHealthy } from '../../../harness/run-case.ts';
import { SecretsStandIn } from '../../../harness/secrets-stand-in.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 8: the login's secret holds a wrong password. The SMSC refuses the bind: no retry storm (a
// few binds, not one per second), consumption paused (nothing taken off the queue), /healthz says
// why (200, status refused: the task is not replaced), and once the secret is fixed the service
// binds and sends without a restart. The login comes from Secrets Manager (SMPP_SECRET_ARN), here a
// local stand-in answering GetSecretValue.

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:smpp-login';
const WRONG_FOR_MS = 10_000;

describe('fault case 8: wrong password', () => {
  it('when the secret has a wrong password, then binds pause, the queue waits, and fixing it resumes', async () => {
    // Prepare
    const secrets = new SecretsStandIn();
    const secretsUrl = await secrets.listen();
    let bindAttempts = -1;
    let submitsWhileWrong = -1;
    let runningWhileWrong = false;
    let healthWhileWrong = '';
    // Act
    const result = await runCase({
      number: 8,
      name: 'wrong password, then fixed without a restart',
      env: { SMPP_THROUGHPUT: '100' },
      startBindService: false,
      act: async ({ stack, sent, faultEnded }) => {
        const { systemId, password } = stack.local.smpp;
        secrets.set(SECRET_ARN, JSON.stringify({ systemId, password: `${password}-wrong` }));
        const startWithSecret = () =>
          stack.bind.start(
            {
              SMPP_SECRET_ARN: SECRET_ARN,
              AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
              // The stand-in checks no signature; the SDK only needs some credentials to sign with.
              AWS_ACCESS_KEY_ID: 'fake-key-id',
              AWS_SECRET_ACCESS_KEY: 'fake-secret',
              // The secret is read again every 2 s after a refusal (30 s in production).
              SMPP_LOGIN_RECHECK_SECONDS: '2',
            },
            ['SMPP_SYSTEM_ID', 'SMPP_PASSWORD'],
          );
        startWithSecret();
        sent.push(...(await sendMessages(stack.local.apiUrl, 8, { caseName: 'case08', count: 20 })));
        // The point is what does not happen meanwhile: no bind storm, no consumption, no exit.
        await elapse(WRONG_FOR_MS);
        bindAttempts = stack.sim.stats.bindFailures;
        submitsWhileWrong = stack.sim.stats.submits;
        runningWhileWrong = stack.bind.running;
        healthWhileWrong = await fetch(stack.healthUrl)
          .then(async (response) => `${response.status} ${await response.text()}`)
          .catch((error: unknown) => `no answer: ${String(error)}`);
        secrets.set(SECRET_ARN, JSON.stringify({ systemId, password }));
        // A process that exited over the refusal (the defect this case looks for) is started again
        // only so the invariants can be checked; runningWhileWrong has recorded the exit.
        if (!stack.bind.running) startWithSecret();
        await waitForHealthy(stack, 60_000);
        faultEnded();
      },
    }).finally(() => secrets.close());
    // Assess
    expect(bindAttempts).toBeGreaterThan(0);
    expect(bindAttempts).toBeLessThanOrEqual(4);
    expect(submitsWhileWrong).toBe(0);
    expect(runningWhileWrong).toBe(true);
    // 200 with status refused, naming the login: a task its health check replaced would bind again
    // with the same refused password (the storm the wait prevents); BindsDown is the alarm.
    expect(healthWhileWrong).toMatch(/^200 \{"status":"refused".*(password|login|credentials)/i);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: 20 });
    expect(result.holds).toBe(true);
  });
});
