import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { LeaseRepository } from '#core/aws/lease.ts';
import { SmscSimulator } from '#local/smsc-simulator/index.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil, within } from '#test/helpers/wait.ts';
import {
  ACCOUNT,
  mobile,
  queueDepth,
  SECRET_LOGIN_ENV,
  sendLikeApi,
  serviceEnv,
  startRig,
  statusIs,
  useCleanup,
  waitForRecord,
} from './fixtures.ts';

/** bind-service/main.ts as its own process with only `env`, as the container starts it; stdout collected. */
function startMain(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bind-service/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
  return { exited, output: () => output };
}

describe('bind-service lifecycle: stop, health, lease, credentials (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  /** `text` in a file of a temporary directory removed after the test. */
  function blockFile(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'smsc-block-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'smsc.conf');
    writeFileSync(file, text);
    return file;
  }

  it('when stopped with submits in flight, then it waits for their answers, unbinds and frees the lease', async () => {
    // Prepare
    const rig = await startRig(aws, defer, { simulator: { receiptDelayMs: 5_000 } });
    rig.simulator.fault({ type: 'slow', delayMs: 400, count: 3 });
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(await sendLikeApi(rig, { to: mobile(50 + i), text: `Draining ${i}` }));
    await rig.simulator.waitFor(() => rig.simulator.stats.submits === 3, 5_000);
    const closed = new Promise((resolve) => rig.simulator.once('session-closed', resolve));
    // Act
    await rig.service.stop();
    // Assess
    const records = await Promise.all(ids.map((id) => rig.messages.get(id)));
    expect(records.map((record) => record?.status)).toEqual(['submitted', 'submitted', 'submitted']);
    expect(await within(closed, 2_000, 'the session to close')).toMatchObject({ reason: 'client unbind' });
    expect(rig.simulator.boundSessions()).toEqual([]);
    expect(await new LeaseRepository(aws.document, rig.tables.messages).currentHolder(ACCOUNT.systemId)).toBe(
      undefined,
    );
    expect(await queueDepth(aws, rig.queues.urgent)).toBe(0);
    await expect(fetch(`${rig.service.url}/healthz`)).rejects.toThrow();
  });

  it('when a submit is still unanswered after the drain, then it is marked unknown, not sent again', async () => {
    // Prepare
    const rig = await startRig(aws, defer, {
      env: { DRAIN_SECONDS: '0.3', SMPP_RESPONSE_TIMEOUT_SECONDS: '30' },
    });
    rig.simulator.fault({ type: 'no-answer', count: 1 });
    const id = await sendLikeApi(rig, { to: mobile(60), text: 'Never answered' });
    await rig.simulator.waitFor(() => rig.simulator.stats.submits === 1, 5_000);
    // Act
    const started = Date.now();
    await rig.service.stop();
    // Assess
    expect(Date.now() - started).toBeLessThan(3_000);
    const record = await waitForRecord(rig, id, statusIs('unknown'), 1_000);
    expect(record.error?.description).toMatch(/connection was lost/);
    expect(await queueDepth(aws, rig.queues.urgent)).toBe(0);
  });

  it('when the bind is up, then /healthz answers 200; when it is lost, then 503 with the same report', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    // Act
    const up = await fetch(`${rig.service.url}/healthz`);
    rig.simulator.refuseBinds(0x0d);
    rig.simulator.kick(ACCOUNT.systemId);
    // Until the kicked link has closed, the session is unusable (503) but still says `bound`.
    await waitUntil(
      () => {
        const health = rig.service.health();
        return health.status === 'unavailable' && health.binds[0]?.state === 'connecting';
      },
      3_000,
      'the bind to be lost',
    );
    const down = await fetch(`${rig.service.url}/healthz`);
    // Assess
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({
      status: 'ok',
      binds: [{ host: '127.0.0.1', state: 'bound', inFlight: 0 }],
      lag: { urgent: 0, bulk: 0 },
      rate: 30,
      throttled: 0,
      submitted: 0,
      unknown: 0,
    });
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', binds: [{ state: 'connecting' }] });
  });

  it('when another live task holds the login lease, then it waits without binding and binds once it is free', async () => {
    // Prepare
    const tables = await aws.freshTables();
    const leases = new LeaseRepository(aws.document, tables.messages);
    await leases.acquireLease(ACCOUNT.systemId, 'other-task', 60_000);
    // Act
    const rig = await startRig(aws, defer, {
      waitForBind: false,
      env: { MESSAGES_TABLE: tables.messages, INBOUND_TABLE: tables.inbound },
    });
    await waitUntil(
      () =>
        rig.logs.some(
          (line) => line.msg === 'login slot assigned here is still held by another task; retrying',
        ),
      3_000,
      'the lease wait to be logged',
    );
    const boundWhileHeld = rig.simulator.stats.binds;
    await leases.releaseLease(ACCOUNT.systemId, 'other-task');
    await within(rig.service.whenBound(), 3_000, 'the bind after the lease was freed');
    // Assess
    expect(boundWhileHeld).toBe(0);
    expect(
      rig.logs.find(
        (line) => line.msg === 'login slot assigned here is still held by another task; retrying',
      ),
    ).toMatchObject({
      holder: 'other-task',
    });
    expect((await leases.currentHolder(ACCOUNT.systemId))?.owner).not.toBe('other-task');
  });

  it('when the login comes from a secret, then the service binds with it and never logs the password', async () => {
    // Prepare
    const secret = JSON.stringify({ systemId: ACCOUNT.systemId, password: ACCOUNT.password });
    const asked: string[] = [];
    // Act
    const rig = await startRig(aws, defer, {
      env: SECRET_LOGIN_ENV,
      deps: {
        readSecret: async (arn) => {
          asked.push(arn);
          return secret;
        },
      },
    });
    // Assess
    expect(asked).toEqual(['arn:aws:secretsmanager:eu-west-1:1:secret:smpp']);
    expect(rig.simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(1);
    expect(JSON.stringify(rig.logs)).not.toContain(ACCOUNT.password);
  });

  it('when the password changes while bound and the rebind is refused, then health names the refusal (200, so the task is not replaced) and the changed secret binds again', async () => {
    // Prepare: the login from a secret, bound with it.
    let secret: { systemId: string; password: string } = {
      systemId: ACCOUNT.systemId,
      password: ACCOUNT.password,
    };
    const rig = await startRig(aws, defer, {
      env: SECRET_LOGIN_ENV,
      deps: { readSecret: async () => JSON.stringify(secret) },
    });
    // Act: the provider changes the password and ends the session; the reconnect is refused.
    rig.simulator.scriptLogin(ACCOUNT.systemId, { password: 'fake-rotated' });
    rig.simulator.kick(ACCOUNT.systemId);
    await waitUntil(
      () => rig.service.health().binds.some((bind) => bind.problem?.kind === 'login-refused'),
      5_000,
      'health to name the refused login',
    );
    const bindsWhileRefused = rig.simulator.stats.binds;
    // The container health check must not replace the task: a new one would bind again with the
    // refused password (before: 503, and ECS replaced the task every ~4 minutes).
    const whileRefused = await fetch(`${rig.service.url}/healthz`);
    const refusedBody = (await whileRefused.json()) as { status: string };
    secret = { ...secret, password: 'fake-rotated' };
    await waitUntil(() => rig.service.health().status === 'ok', 5_000, 'the bind with the rotated secret');
    // Assess
    expect(bindsWhileRefused).toBeGreaterThan(0);
    expect({ http: whileRefused.status, status: refusedBody.status }).toEqual({
      http: 200,
      status: 'refused',
    });
    expect(rig.simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(1);
    expect(JSON.stringify(rig.logs)).not.toContain('fake-rotated');
  });

  it('when the login and host come from a Kannel block (SMPP_CONFIG_FILE), then the service binds with them', async () => {
    // Prepare: the provider's example lines, pointed at the simulator; the port stays in the environment.
    const file = blockFile(
      [
        'group = smsc',
        'smsc = smpp',
        'smsc-id = smsc',
        'host = 127.0.0.1',
        `smsc-username = ${ACCOUNT.systemId}`,
        `smsc-password = "${ACCOUNT.password}"`,
        'system-type = ""',
        'interface-version = 34',
        'transceiver-mode = true',
        'enquire-link-interval = 60',
        'max-pending-submits = 300',
        'throughput = 30',
      ].join('\n'),
    );
    // Act
    const rig = await startRig(aws, defer, {
      env: { SMPP_CONFIG_FILE: file, SMPP_HOST: '', SMPP_SYSTEM_ID: '', SMPP_PASSWORD: '' },
    });
    const id = await sendLikeApi(rig, { to: mobile(1), text: 'from the block' });
    // Assess
    expect(rig.simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(1);
    await waitForRecord(rig, id, statusIs('delivered'));
    expect(rig.config.accounts[0].smpp.windowSize).toBe(300);
    expect(JSON.stringify(rig.logs)).not.toContain(ACCOUNT.password);
  });

  it('when the block holds a key the service does not support, then the process names the file and line and exits non-zero', async () => {
    // Prepare
    const file = blockFile('group = smsc\nsmsc = smpp\nhost = smpp.smscentre.com\nreceive-port = 2776\n');
    const main = startMain({ PATH: process.env.PATH, SMPP_CONFIG_FILE: file });
    // Act
    const code = await within(main.exited, 10_000, 'the process to exit');
    // Assess
    expect(code).toBe(1);
    expect(main.output()).toContain(`${file} line 4: receive-port = 2776 is not supported`);
  });

  it('when the process gets SIGTERM, then it drains, unbinds and exits 0', async () => {
    // Prepare
    const [tables, queues] = await Promise.all([aws.freshTables(), aws.freshQueues()]);
    const simulator = new SmscSimulator({ accounts: [{ ...ACCOUNT, rate: 0 }] });
    await simulator.listen(0);
    defer(() => simulator.close());
    const child = spawn(process.execPath, ['--import', 'tsx', 'bind-service/main.ts'], {
      env: { ...process.env, ...serviceEnv(aws, tables, queues, simulator.port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    defer(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await simulator.waitFor(() => simulator.boundSessions(ACCOUNT.systemId).length === 1, 15_000);
    // Act
    child.kill('SIGTERM');
    const code = await within(exited, 10_000, 'the process to exit');
    // Assess
    expect(code).toBe(0);
    expect(simulator.boundSessions()).toEqual([]);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['smpp bound', 'shutting down', 'stopped']),
    );
    expect(JSON.stringify(lines)).not.toContain(ACCOUNT.password);
  });

  it('when the configuration is invalid, then the process logs the variable and exits non-zero', async () => {
    // Prepare
    const main = startMain({ PATH: process.env.PATH, SMPP_HOST: 'smpp.smscentre.com' });
    // Act
    const code = await within(main.exited, 10_000, 'the process to exit');
    // Assess
    expect(code).toBe(1);
    expect(main.output()).toContain('MESSAGES_TABLE: is required');
  });
});
