import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '#bind-service/config.ts';
import { queueNames, tableNames } from '#core/aws/resources/resource-definitions.ts';
import { VAR } from '#core/config/variables.ts';
import { loadCallbackWorkerConfig } from '#lambdas/callbacks/config.ts';
import {
  apiPort,
  bindServiceEnv,
  type ComponentEnvInput,
  callbackWorkerEnv,
  sweepIntervalMs,
  usesSimulator,
} from '#local/stack-config.ts';

// What the local stack hands the bind-service: its own short long poll (a quick Ctrl-C,
// test/integration/local/stack/stop.test.ts) unless the user set one, and the user's settings as
// docs/configuration.md promises ("`npm start` passes yours through").

function input(env: ComponentEnvInput['env']): ComponentEnvInput {
  return {
    env,
    region: 'us-east-1',
    endpoints: { dynamodb: 'http://127.0.0.1:8000', sqs: 'http://127.0.0.1:9324' },
    tables: tableNames('unit'),
    // The stack hands the components queue URLs (createQueues), not bare names.
    queues: queueNames('http://127.0.0.1:9324/000000000000/unit'),
  };
}

/** A real SMSC's login, as `SMPP_HOST=… npm start` is given it. */
const REAL_SMSC = {
  SMPP_HOST: 'smpp.smscentre.com',
  SMPP_SYSTEM_ID: 'acme',
  SMPP_PASSWORD: 'fake-p4ss-word',
};

/**
 * The bind-service variables the stack does not take from the user: those it sets itself and the
 * AWS-only ones (docs/configuration.md says which).
 */
const NOT_PASSED: readonly string[] = [
  VAR.SMPP_CONFIG_FILE, // applied by the stack before (withSmscBlock)
  VAR.SMPP_ACCOUNTS_JSON, // the stack reads SMPP_ACCOUNTS, a file
  VAR.SMPP_SECRET_ARN,
  VAR.SMPP_TLS_SECRET_ARN,
  VAR.METRICS_NAMESPACE,
  VAR.METRICS_SERVICE,
  VAR.METRICS_INTERVAL_SECONDS,
  VAR.HEALTH_HOST,
  VAR.HEALTH_PORT,
  VAR.MESSAGES_TABLE,
  VAR.INBOUND_TABLE,
  VAR.URGENT_QUEUE_URL,
  VAR.BULK_QUEUE_URL,
  VAR.URGENT_DLQ_URL,
  VAR.BULK_DLQ_URL,
  VAR.AWS_REGION,
  VAR.AWS_ENDPOINT_URL_DYNAMODB,
  VAR.AWS_ENDPOINT_URL_SQS,
  VAR.AWS_ENDPOINT_URL_SECRETS_MANAGER,
];

describe('the local stack’s bind-service environment', () => {
  it('when SQS_WAIT_SECONDS is set, then the local stack passes the user value to the bind-service', () => {
    // Act
    const wait = bindServiceEnv(input({ SQS_WAIT_SECONDS: '3' })).SQS_WAIT_SECONDS;
    // Assess
    expect(wait).toBe('3');
  });

  it('when npm start is given SMPP_RESPONSE_TIMEOUT_SECONDS=60 for a real SMSC, then its bind-service waits 60 s for an answer', () => {
    // Act: the bind-service's config as start-stack.ts builds it
    const config = loadConfig(bindServiceEnv(input({ ...REAL_SMSC, SMPP_RESPONSE_TIMEOUT_SECONDS: '60' })));
    // Assess: before, the variable was dropped and submits answered after 30 s became `unknown`
    expect(config.accounts[0].smpp.responseTimeoutMs).toBe(60_000);
  });

  it('when the user sets any bind-service variable the stack does not set itself, then it reaches the bind-service', () => {
    // Prepare: each of the bind-service's variables with a value of its own
    const names = Object.keys(envSchema.shape).filter((name) => !NOT_PASSED.includes(name));
    const env: Record<string, string> = {
      ...REAL_SMSC,
      ...Object.fromEntries(names.map((name) => [name, `value-of-${name}`])),
    };
    // Act
    const passed = bindServiceEnv(input(env));
    // Assess: SMPP_LOGIN_RECHECK_SECONDS, LEASE_* and SMPP_RESPONSE_TIMEOUT_SECONDS were dropped
    const dropped = names.filter((name) => passed[name] !== env[name]);
    expect(dropped).toEqual([]);
  });

  it('when a setting holds only blanks, then the stack treats it as unset, as the components do', () => {
    // Act
    const env = bindServiceEnv(input({ ...REAL_SMSC, SMPP_WINDOW: ' ', SQS_WAIT_SECONDS: ' ' }));
    // Assess
    expect(env.SMPP_WINDOW).toBeUndefined();
    expect(env.SQS_WAIT_SECONDS).toBe('1');
    expect(usesSimulator({ SMPP_HOST: '  ' })).toBe(true);
  });
});

describe('the local sweeper’s interval', () => {
  it('when SWEEP_INTERVAL_SECONDS is a day, then it is taken', () => {
    // Act / Assess
    expect(sweepIntervalMs({ SWEEP_INTERVAL_SECONDS: '86400' })).toBe(86_400_000);
  });

  it('when SWEEP_INTERVAL_SECONDS is beyond a day (milliseconds written for seconds), then the start is refused naming the unit and the maximum', () => {
    // Act
    const act = () => sweepIntervalMs({ SWEEP_INTERVAL_SECONDS: '3600000' });
    // Assess: a timer of more than 2^31-1 ms fires after 1 ms, and the sweeper would run without pause
    expect(act).toThrow('SWEEP_INTERVAL_SECONDS must be at most 86400 seconds (a day), got "3600000"');
  });
});

describe('the local API’s port', () => {
  it('when PORT is unset, empty or only blanks, then the API takes the default port 3000', () => {
    // Act: an env file's `PORT= ` gives a blank, which Number() reads as 0 (any free port)
    const ports = [undefined, '', ' '].map((value) => apiPort({ PORT: value }));
    // Assess
    expect(ports).toEqual([3000, 3000, 3000]);
  });

  it('when PORT is 0 or a port number, then the API takes it; anything else is refused naming PORT', () => {
    // Act / Assess
    expect([apiPort({ PORT: '0' }), apiPort({ PORT: '8080' })]).toEqual([0, 8080]);
    expect(() => apiPort({ PORT: '70000' })).toThrow('PORT must be a port number (0-65535), got "70000"');
  });
});

describe('the local stack’s callback worker settings', () => {
  /** A signing secret as the stack makes one (random per start). */
  const SECRET = 'fake-local-signing-secret-0123456789';

  it('when npm start is given CALLBACK_TIMEOUT_MS=15000, then its callback worker gives a receiver 15 s', () => {
    // Act: the worker's config as start-stack.ts reads it
    const config = loadCallbackWorkerConfig(
      callbackWorkerEnv(input({ CALLBACK_TIMEOUT_MS: '15000' }), SECRET),
    );
    // Assess: before, the local worker cut every receiver off at the default 5 s and posted again
    expect(config.callbackTimeoutMs).toBe(15_000);
  });

  it('when CALLBACK_TIMEOUT_MS is unset or blank, then the callback worker waits the default 5 s', () => {
    // Act
    const timeouts = [{}, { CALLBACK_TIMEOUT_MS: ' ' }].map(
      (env) => loadCallbackWorkerConfig(callbackWorkerEnv(input(env), SECRET)).callbackTimeoutMs,
    );
    // Assess
    expect(timeouts).toEqual([5_000, 5_000]);
  });

  it('when CALLBACK_TIMEOUT_MS is not a number of ms the worker takes, then the start is refused naming it', () => {
    // Act
    const load = (value: string) => () =>
      loadCallbackWorkerConfig(callbackWorkerEnv(input({ CALLBACK_TIMEOUT_MS: value }), SECRET));
    // Assess
    expect(load('soon')).toThrow(/callback-worker configuration: CALLBACK_TIMEOUT_MS/);
    expect(load('60000')).toThrow(/CALLBACK_TIMEOUT_MS/);
  });

  it('when the stack builds the worker’s settings, then callbacks may go to loopback receivers and are signed with the stack’s secret', () => {
    // Act
    const config = loadCallbackWorkerConfig(callbackWorkerEnv(input({}), SECRET));
    // Assess
    expect(config).toMatchObject({
      allowLoopbackCallbacks: true,
      signingSecret: { kind: 'inline', secret: SECRET },
      queueUrl: input({}).queues.callbacks,
    });
  });
});
