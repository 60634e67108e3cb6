import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { createTestPki, SERVER_NAME, type TestPki, writePemFiles } from '#test/helpers/net/pki.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { mobile, type Rig, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';

// The provider's TLS port with its Kannel example's client certificate: the simulator serves TLS
// from a test CA and refuses clients without a certificate from it.

const TLS_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:sms-sender/smpp-tls-AbCdEf';

describe('bind-service over TLS with a client certificate', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();
  let pki: TestPki;

  beforeAll(async () => {
    pki = await createTestPki();
  });

  const simulatorTls = () => ({ tls: { ...pki.server, ca: pki.ca, requireClientCert: true } });

  async function pemFiles(files: Record<string, string>) {
    const written = await writePemFiles(files);
    defer(written.remove);
    return written.paths;
  }

  const failures = (rig: Rig) => rig.logs.filter((line) => line.msg === 'smpp connect failed').length;

  it('when CA, client certificate, key and server name are files, then it binds and a message is delivered', async () => {
    // Prepare
    const paths = await pemFiles({ ca: pki.ca, cert: pki.client.cert, key: pki.client.key });
    const env = {
      SMPP_TLS: 'true',
      SMPP_TLS_CA: paths.ca!,
      SMPP_TLS_CERT: paths.cert!,
      SMPP_TLS_KEY: paths.key!,
      SMPP_TLS_SERVERNAME: SERVER_NAME,
    };
    const rig = await startRig(aws, defer, { simulator: simulatorTls(), env });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(1), text: 'Over TLS' });
    // Assess
    await waitForRecord(rig, id, statusIs('delivered'));
    expect(rig.service.health().binds[0]).not.toHaveProperty('problem');
  });

  it('when a Kannel block names one certkey PEM holding certificate and key, then it binds with it', async () => {
    // Prepare: the provider's SSL lines (use-ssl, ssl-client-certkey-file) in a block; the CA and the
    // server name, which Kannel keeps outside the smsc group, stay in the environment.
    const pem = await pemFiles({ ca: pki.ca, certkey: `${pki.client.cert}\n${pki.client.key}` });
    const block = `group = smsc\nsmsc = smpp\nuse-ssl = 1\nssl-client-certkey-file = "${pem.certkey}"\n`;
    const { block: file } = await pemFiles({ block });
    const env = { SMPP_CONFIG_FILE: file!, SMPP_TLS_CA: pem.ca!, SMPP_TLS_SERVERNAME: SERVER_NAME };
    // Act
    const rig = await startRig(aws, defer, { simulator: simulatorTls(), env });
    const id = await sendLikeApi(rig, { to: mobile(2), text: 'Over TLS, Kannel style' });
    // Assess
    await waitForRecord(rig, id, statusIs('delivered'));
    expect(rig.config.accounts[0].smpp.tls).toMatchObject({
      enabled: true,
      certPath: pem.certkey,
      keyPath: pem.certkey,
    });
  });

  it('when the client certificate and key come from Secrets Manager, then it binds with them', async () => {
    // Prepare
    const paths = await pemFiles({ ca: pki.ca });
    const secret = JSON.stringify({ cert: pki.client.cert, key: pki.client.key });
    const readSecret = async (arn: string) => (arn === TLS_SECRET_ARN ? secret : '');
    const env = {
      SMPP_TLS: 'true',
      SMPP_TLS_CA: paths.ca!,
      SMPP_TLS_SECRET_ARN: TLS_SECRET_ARN,
      SMPP_TLS_SERVERNAME: SERVER_NAME,
    };
    // Act
    const rig = await startRig(aws, defer, { simulator: simulatorTls(), env, deps: { readSecret } });
    // Assess
    expect(rig.service.health()).toMatchObject({ status: 'ok' });
    expect(rig.simulator.stats.binds).toBe(1);
  });

  it('when the server certificate cannot be verified, then one error line and a health problem, not a warning per retry', async () => {
    // Prepare: no CA bundle, so the test CA is unknown to the system trust store.
    const paths = await pemFiles({ cert: pki.client.cert, key: pki.client.key });
    const env = {
      SMPP_TLS: 'true',
      SMPP_TLS_CERT: paths.cert!,
      SMPP_TLS_KEY: paths.key!,
      SMPP_TLS_SERVERNAME: SERVER_NAME,
    };
    // Act
    const rig = await startRig(aws, defer, { simulator: simulatorTls(), env, waitForBind: false });
    await waitUntil(() => failures(rig) >= 3, 10_000, 'three failed connects');
    // Assess
    const errors = rig.logs.filter((line) => line.level === 'error');
    const unverified = expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(errors).toEqual([expect.objectContaining({ code: unverified, kind: 'tls-unverified' })]);
    expect(String(errors[0]?.msg)).toContain('SMPP_TLS_CA');
    expect(rig.logs.filter((line) => line.level === 'warn' && line.msg === 'smpp connect failed')).toEqual(
      [],
    );
    const health = rig.service.health();
    expect(health.status).toBe('unavailable');
    expect(health.binds[0]?.problem).toMatchObject({ kind: 'tls-unverified', code: unverified });
    expect(rig.simulator.stats.binds).toBe(0);
  });

  it('when no client certificate is configured, then the refused handshake is the health problem', async () => {
    // Prepare
    const paths = await pemFiles({ ca: pki.ca });
    const env = { SMPP_TLS: 'true', SMPP_TLS_CA: paths.ca!, SMPP_TLS_SERVERNAME: SERVER_NAME };
    // Act
    const rig = await startRig(aws, defer, { simulator: simulatorTls(), env, waitForBind: false });
    await waitUntil(() => failures(rig) >= 2, 10_000, 'two failed connects');
    // Assess
    expect(rig.service.health().binds[0]?.problem).toMatchObject({ kind: 'tls-handshake' });
    expect(rig.logs.filter((line) => line.level === 'error')).toHaveLength(1);
  });
});
