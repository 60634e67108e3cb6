import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_QUEUE } from '#core/aws/resources/resource-definitions.ts';
import { ConfigError } from '#core/domain/errors.ts';
import { BindLimitsError } from '../../../cdk/constructs/compute/bind-limits.ts';
import { CONTAINER_USER } from '../../../cdk/constructs/compute/bind-service.ts';
import type { SmppProps } from '../../../cdk/constructs/props.ts';
import { ENTRIES, PROJECT_ROOT } from '../../../cdk/paths.ts';
import { type Synthesised, type SynthOptions, synthesise } from '../synth.ts';

// The bind-service on ECS: a login's sessions are its binds, leased slot by slot, so no deployment
// runs more than the provider allows; SIGTERM gets time to drain, the container is ARM64 and
// health-checked on /healthz.

interface Container {
  Environment: { Name: string; Value: unknown }[];
  StopTimeout: number;
  HealthCheck: { Command: string[] };
  User?: string;
  Memory?: number;
  ReadonlyRootFilesystem?: boolean;
}

function container(synth: Synthesised): Container {
  const [task] = Object.values(synth.template.findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: Container[] };
  }[];
  const found = task?.Properties.ContainerDefinitions[0];
  if (!found) throw new Error('no container definition');
  return found;
}

const HEAP_LIMIT_MB =
  "process.stdout.write(String(require('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20))";

function envValue(synth: Synthesised, name: string): unknown {
  return container(synth).Environment.find((variable) => variable.Name === name)?.Value;
}

describe('bind-service on ECS', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise();
  });

  it('when the login has no MCON, then a deployment still starts the new task first (its slot lease waits for the old one), and rolls back on failure', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      LaunchType: 'FARGATE',
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      AvailabilityZoneRebalancing: 'DISABLED',
    });
  });

  it('when the task stops, then ECS waits longer than the drain before SIGKILL', () => {
    // Act
    const drainSeconds = Number(envValue(synth, 'DRAIN_SECONDS'));
    const { StopTimeout } = container(synth);
    // Assess
    expect(drainSeconds).toBe(20);
    expect(StopTimeout).toBe(60);
    expect(StopTimeout).toBeGreaterThan(drainSeconds);
  });

  it('when the task is synthesised, then it is ARM64, health-checked on /healthz and logs with retention', () => {
    // Act
    const { HealthCheck } = container(synth);
    // Assess
    synth.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '256',
      Memory: '512',
    });
    expect(HealthCheck.Command.join(' ')).toContain(
      `http://127.0.0.1:${envValue(synth, 'HEALTH_PORT')}/healthz`,
    );
    synth.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it("when the task is synthesised, then its container runs as the image's unprivileged user with a memory hard limit", () => {
    // Prepare
    const dockerfile = readFileSync(join(PROJECT_ROOT, ENTRIES.bindServiceDockerfile), 'utf8');
    // Act
    const { User, Memory, ReadonlyRootFilesystem } = container(synth);
    // Assess
    expect(User).toBe(CONTAINER_USER);
    expect(User).not.toMatch(/^(0|root)(:|$)/);
    // The image's final stage switches to the same user, so local `docker run` matches ECS.
    expect(dockerfile).toMatch(/^USER (node|1000(:1000)?)$/m);
    expect(Memory).toBe(512);
    expect(ReadonlyRootFilesystem).toBe(true);
  });

  it("when the task is synthesised, then node's heap limit is sized from the task's memory, not the host's", () => {
    // Prepare
    const { Memory } = container(synth);
    const nodeOptions = String(envValue(synth, 'NODE_OPTIONS'));
    // Act: node itself reads the variable, as in the container.
    const run = spawnSync(process.execPath, ['-e', HEAP_LIMIT_MB], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: nodeOptions },
      encoding: 'utf8',
      timeout: 15_000,
    });
    // Assess
    expect(run.status).toBe(0);
    expect(nodeOptions).toContain('--max-old-space-size=256');
    expect(nodeOptions).toContain('--max-semi-space-size=4');
    const heapLimitMb = Number(run.stdout);
    expect(heapLimitMb).toBeGreaterThanOrEqual(256);
    expect(heapLimitMb).toBeLessThan(Number(Memory) * 0.6);
  });

  it('when three tasks share a login of 2 binds, then the synth accepts it: the third is a standby', () => {
    // Act
    const mcon = synthesise({ context: { smppSystemType: 'MCON2', smppBinds: '2', desiredCount: '3' } });
    // Assess
    mcon.template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 3,
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 100, MaximumPercent: 200 }),
    });
  });

  it('when the binds exceed the MCON count, then synthesis fails naming the limit', () => {
    // Act
    const act = () => synthesise({ context: { smppSystemType: 'MCON2', smppBinds: '3' } });
    // Assess
    expect(act).toThrow(BindLimitsError);
    expect(act).toThrow(/3 binds, but the login allows 2 session/);
  });

  it('when desiredCount would run more tasks during a deploy than the task roster holds, then synthesis fails naming the limit and the setting', () => {
    // Act: 17 tasks × 200 % = 34 at once during a deploy, beyond the roster's 32.
    const act = () => synthesise({ context: { desiredCount: '17' } });
    // Assess
    expect(act).toThrow(BindLimitsError);
    expect(act).toThrow(
      /desired count 17 runs up to 34 tasks .* task roster holds 32; lower desiredCount to 16/,
    );
  });

  it('when a large window needs longer than the shared visibility timeout, then only the shorter queue timeout is raised', () => {
    // Act
    const large = synthesise({ context: { smppWindow: '2000' } });
    const timeouts = Object.values(large.template.findResources('AWS::SQS::Queue'))
      .map((queue) => (queue as { Properties: { VisibilityTimeout?: number } }).Properties.VisibilityTimeout)
      .filter((timeout) => timeout !== undefined);
    // Assess
    // The callback queue's own timeout (not a lane's), unchanged by the window.
    expect(timeouts.sort((a, b) => a - b)).toEqual(
      [CALLBACK_QUEUE.visibilityTimeoutSeconds, 107, 300].sort((a, b) => a - b),
    );
  });

  it('when two tasks share a login, then both get its whole rate and binds: each sends its share by the slots it holds', () => {
    // Act
    const two = synthesise({
      context: { smppSystemType: 'MCON2', smppBinds: '2', desiredCount: '2', smppThroughput: '30' },
    });
    // Assess
    expect(envValue(two, 'SMPP_THROUGHPUT')).toBe('30');
    expect(envValue(two, 'SMPP_BINDS')).toBe('2');
  });

  it('when a TLS client certificate secret and server name are given, then the task gets both and may read the secret', () => {
    // Act
    const tls = synthesise({
      context: { smppTlsSecretName: 'sms-sender/smpp-tls', smppTlsServerName: 'smpp.smscentre.com' },
    });
    // Assess
    expect(envValue(tls, 'SMPP_TLS_SERVERNAME')).toBe('smpp.smscentre.com');
    expect(JSON.stringify(envValue(tls, 'SMPP_TLS_SECRET_ARN'))).toContain('secret:sms-sender/smpp-tls');
    const policies = JSON.stringify(tls.template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('secret:sms-sender/smpp-tls');
    expect(envValue(synth, 'SMPP_TLS_SECRET_ARN')).toBeUndefined();
  });

  it('when smppTls=false comes with a TLS client certificate secret, then the synth refuses it rather than dropping the certificate', () => {
    // Act
    const act = () => synthesise({ context: { smppTls: 'false', smppTlsSecretName: 'sms-sender/smpp-tls' } });
    // Assess: before, the task got SMPP_TLS=false and no certificate: the login in clear text
    expect(act).toThrow(/smppTlsSecretName: used only with TLS, but smppTls is false/);
  });

  it.each<[string, SynthOptions]>([
    ['context smppPort=70000', { context: { smppPort: '70000' } }],
    [
      'smpp.windowSize 0 in the construct’s props',
      { override: (props) => ({ ...props, smpp: { ...(props.smpp as SmppProps), windowSize: 0 } }) },
    ],
  ])('when %s, then the synth fails instead of the task at every start', (_, options) => {
    // Act
    const act = () => synthesise(options);
    // Assess
    expect(act).toThrow(ConfigError);
  });
});
