// A throw-away CA with a server certificate for a name other than the address connected to (so the
// server name setting matters) and a client certificate, like the provider's TLS port with Kannel's
// ssl-client-certkey-file. Made by openssl in a temporary directory removed before returning; the
// PEM files a test wants on disk it writes itself (writePemFiles).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SERVER_NAME = 'smsc.test';

export interface TestPki {
  ca: string;
  server: { key: string; cert: string };
  client: { key: string; cert: string };
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir, timeout: 20_000 });
}

async function issue(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    subject,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  ]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'smpp-pki-'));
  try {
    await openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=SMPP test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
    ]);
    await issue(
      dir,
      'server',
      `/CN=${SERVER_NAME}`,
      `subjectAltName=DNS:${SERVER_NAME}\nextendedKeyUsage=serverAuth\n`,
    );
    await issue(dir, 'client', '/CN=sms-sender', 'extendedKeyUsage=clientAuth\n');
    const read = (file: string) => readFile(join(dir, file), 'utf8');
    const [ca, serverKey, serverCert, clientKey, clientCert] = await Promise.all(
      ['ca.pem', 'server.key', 'server.pem', 'client.key', 'client.pem'].map(read),
    );
    return {
      ca: ca!,
      server: { key: serverKey!, cert: serverCert! },
      client: { key: clientKey!, cert: clientCert! },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes PEM files for settings that take paths; returns their paths and a remover. */
export async function writePemFiles(files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'smpp-pem-'));
  const paths: Record<string, string> = {};
  for (const [name, pem] of Object.entries(files)) {
    paths[name] = join(dir, `${name}.pem`);
    await writeFile(paths[name], pem, { mode: 0o600 });
  }
  return { paths, remove: () => rm(dir, { recursive: true, force: true }) };
}
