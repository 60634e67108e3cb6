import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig as loadBindServiceConfig } from '#bind-service/config.ts';
import { loadConfig as loadApiConfig } from '#lambdas/api/config.ts';
import { loadCallbackWorkerConfig } from '#lambdas/callbacks/config.ts';
import { loadStatusStreamConfig } from '#lambdas/status-stream/config.ts';
import { type Synthesised, synthesise } from './synth.ts';

// The contract between the stack and the code it runs: the environment each component gets from the
// template passes that component's own config validation (the one it runs at start). CloudFormation
// values (Ref, GetAtt) are replaced by plausible stand-ins of the same shape.

type Environment = Record<string, string>;

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/';

/**
 * A URL stands in for what the template refers to, one per resource: two variables naming one queue
 * get one URL (which the bind-service refuses), two queues two.
 */
function standIn(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (!name.endsWith('_URL')) return `resolved-${name.toLowerCase()}`;
  return `${QUEUE_URL}${JSON.stringify(value).replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function fromPairs(pairs: { Name: string; Value: unknown }[]): Environment {
  return Object.fromEntries(pairs.map(({ Name, Value }) => [Name, standIn(Name, Value)]));
}

function bindServiceEnvironment(synth: Synthesised): Environment {
  const [task] = Object.values(synth.template.findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
  }[];
  return fromPairs(task?.Properties.ContainerDefinitions[0]?.Environment ?? []);
}

function lambdaEnvironment(synth: Synthesised, idPrefix: string): Environment {
  const [fn] = Object.entries(synth.template.findResources('AWS::Lambda::Function'))
    .filter(([id]) => id.startsWith(idPrefix))
    .map(
      ([, resource]) => resource as { Properties: { Environment: { Variables: Record<string, unknown> } } },
    );
  if (!fn) throw new Error(`no function ${idPrefix}`);
  const variables = Object.entries(fn.Properties.Environment.Variables).map(([Name, Value]) => ({
    Name,
    Value,
  }));
  // The Lambda runtime sets AWS_REGION itself.
  return { ...fromPairs(variables), AWS_REGION: 'eu-central-1' };
}

describe('environment given to each component', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise();
  });

  it('when the bind-service reads its container environment, then its config validates and uses the secret', () => {
    // Prepare
    const env = bindServiceEnvironment(synth);
    // Act
    const config = loadBindServiceConfig(env);
    // Assess
    expect(config.accounts[0].smpp.credentials.kind).toBe('secret');
    expect(config.accounts[0].smpp.tls.enabled).toBe(true);
    expect(config.accounts[0].smpp.hosts).toEqual([
      { host: 'smpp.smscentre.com', port: 3443 },
      { host: 'smpp2.smscentre.com', port: 3443 },
    ]);
    expect(config.drainMs).toBe(20_000);
  });

  it('when the api Lambda reads its environment, then its config validates with the bind-service’s part settings', () => {
    // Prepare
    const env = lambdaEnvironment(synth, 'SmsSenderApiHandlerFunction');
    // Act
    const config = loadApiConfig(env);
    // Assess
    // Deployed, the API refuses loopback callback URLs: its callbacks Lambda never calls them.
    expect(config.prepare).toEqual({ isoMode: false, maxParts: 10, refuseLoopbackCallbacks: true });
  });

  it('when the status-stream Lambda reads its environment, then its config validates with the callback queue', () => {
    // Prepare
    const env = lambdaEnvironment(synth, 'SmsSenderStatusStreamHandlerFunction');
    // Act
    const config = loadStatusStreamConfig(env);
    // Assess
    expect(config.eventBusName).toBe('default');
    expect(config.callbackQueueUrl).not.toBe('');
  });

  it('when the callback worker Lambda reads its environment, then its config validates with a signing secret ARN', () => {
    // Prepare
    const env = lambdaEnvironment(synth, 'SmsSenderCallbacksWorkerFunction');
    // Act
    const config = loadCallbackWorkerConfig(env);
    // Assess
    expect(config.signingSecret.kind).toBe('secret');
    expect(config.messagesTable).not.toBe('');
  });

  it('when no defaultSender is given, then neither the bind-service nor the api Lambda gets SMPP_DEFAULT_SENDER', () => {
    // Prepare
    const task = bindServiceEnvironment(synth);
    const api = lambdaEnvironment(synth, 'SmsSenderApiHandlerFunction');
    // Act
    const bindService = loadBindServiceConfig(task);
    const apiConfig = loadApiConfig(api);
    // Assess: unset, the SMSC sends a message without `from` as the login's own default sender.
    expect(task).not.toHaveProperty('SMPP_DEFAULT_SENDER');
    expect(api).not.toHaveProperty('SMPP_DEFAULT_SENDER');
    expect(bindService.accounts[0].smpp.defaultSender).toBeUndefined();
    expect(apiConfig.antiLoop.defaultSender).toBeUndefined();
  });
});

describe('environment given with -c defaultSender', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise({ context: { defaultSender: 'Brand' } });
  });

  it('when the bind-service reads its container environment, then it sends a message without from as that sender', () => {
    // Prepare
    const env = bindServiceEnvironment(synth);
    // Act
    const config = loadBindServiceConfig(env);
    // Assess
    expect(env.SMPP_DEFAULT_SENDER).toBe('Brand');
    expect(config.accounts[0].smpp.defaultSender).toBe('Brand');
    expect(config.antiLoop.defaultSender).toBe('Brand');
  });

  it('when the api Lambda reads its environment, then its duplicate rule compares by the same sender', () => {
    // Prepare
    const env = lambdaEnvironment(synth, 'SmsSenderApiHandlerFunction');
    // Act
    const config = loadApiConfig(env);
    // Assess: before, the CDK could not set it, and the API compared such messages by none.
    expect(env.SMPP_DEFAULT_SENDER).toBe('Brand');
    expect(config.antiLoop.defaultSender).toBe('Brand');
  });

  it('when defaultSender is not a sender id, then the synth fails naming the key, not the task at start', () => {
    // Act
    const act = () => synthesise({ context: { defaultSender: 'Far too long sender' } });
    // Assess
    expect(act).toThrow(/^context defaultSender: must be 1-11 letters/);
  });
});

describe('environment given to the bind-service for another SMSC', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise({ context: { smppHost: 'smpp.example.net' } });
  });

  it('when only smppHost names another SMSC, then the task has no fail-over host of the provider’s', () => {
    // Prepare
    const env = bindServiceEnvironment(synth);
    // Act
    const config = loadBindServiceConfig(env);
    // Assess: before, the task failed over to smpp2.smscentre.com with the same login and password.
    expect(config.accounts[0].smpp.hosts).toEqual([{ host: 'smpp.example.net', port: 3443 }]);
  });
});
