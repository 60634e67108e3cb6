import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, SmscApiError } from '#client/index.ts';
import { useApiHarness } from '#test/helpers/api/api-harness.ts';
import { type SigV4Gateway, startSigV4Gateway } from './sigv4-gateway.ts';

// SigV4 as a deployed stack needs it: a test gateway in front of the real API recomputes every
// signature with the AWS SDK's signer and forwards only what verifies. Credentials are fake.

const REGION = 'eu-central-1';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLETEST00001', secretAccessKey: 'fake-secret-for-tests-only' };

describe('SigV4 signing by the typed client', () => {
  const harness = useApiHarness();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function gateway(): Promise<SigV4Gateway> {
    const api = await harness.start();
    const started = await startSigV4Gateway({ target: api.url, region: REGION, credentials: CREDENTIALS });
    cleanups.push(() => started.close());
    return started;
  }

  it('when the client signs with the right credentials, then the gateway verifies a send and a read', async () => {
    // Prepare
    const front = await gateway();
    const api = createClient({
      endpoint: front.url,
      signing: 'sigv4',
      region: REGION,
      credentials: CREDENTIALS,
    });
    // Act
    const sent = await api.send({ to: '+79995551001', text: 'Signed' });
    const read = await api.get(sent.id);
    // Assess
    expect(api.signed).toBe(true);
    expect(front).toMatchObject({ verified: 2, refused: 0 });
    expect(read).toMatchObject({ id: sent.id, to: '+79995551001', text: 'Signed' });
  });

  it('when the credentials come from a profile in the shared files, then the standard chain finds them', async () => {
    // Prepare
    const front = await gateway();
    const dir = await mkdtemp(join(tmpdir(), 'smsc-creds-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'credentials');
    await writeFile(
      file,
      `[campaigns]\naws_access_key_id = ${CREDENTIALS.accessKeyId}\naws_secret_access_key = ${CREDENTIALS.secretAccessKey}\n`,
    );
    const saved = { ...process.env };
    cleanups.push(async () => {
      process.env = saved;
    });
    process.env.AWS_SHARED_CREDENTIALS_FILE = file;
    process.env.AWS_CONFIG_FILE = join(dir, 'config-none');
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_PROFILE;
    const api = createClient({ endpoint: front.url, signing: 'sigv4', region: REGION, profile: 'campaigns' });
    // Act
    const sent = await api.send({ to: '+79995551002', text: 'Signed from a profile' });
    // Assess
    expect(sent.status).toBe('accepted');
    expect(front).toMatchObject({ verified: 1, refused: 0 });
  });

  it('when the secret is wrong, then the gateway refuses and the client reports its 403 as a problem', async () => {
    // Prepare
    const front = await gateway();
    const api = createClient({
      endpoint: front.url,
      signing: 'sigv4',
      region: REGION,
      credentials: { ...CREDENTIALS, secretAccessKey: 'not-the-secret' },
    });
    // Act
    const error = await api.send({ to: '+79995551003', text: 'Forged' }).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SmscApiError);
    expect((error as SmscApiError).problem).toMatchObject({
      status: 403,
      code: 'unexpected_response',
      detail: expect.stringContaining('signature we calculated does not match'),
    });
    expect(front).toMatchObject({ verified: 0, refused: 1 });
  });

  it('when a request is sent unsigned, then the gateway refuses it', async () => {
    // Prepare
    const front = await gateway();
    const api = createClient({ endpoint: front.url, signing: 'none' });
    // Act
    const error = await api.get('01M89PNMZR2HR54Q7H2NGA9838').catch((caught: unknown) => caught);
    // Assess
    expect((error as SmscApiError).problem).toMatchObject({
      status: 403,
      detail: 'Missing Authentication Token',
    });
  });
});
