import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BindServiceConfigError, loadConfig } from '#bind-service/config.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';
import { RESOURCES_ENV } from '../resources-env.ts';

// The provider's example block (the seed document's, login and password filled in with fake ones).
const PROVIDER_EXAMPLE = readFileSync(new URL('./provider-example.conf', import.meta.url), 'utf8');

const RESOURCES = RESOURCES_ENV;

const dir = mkdtempSync(join(tmpdir(), 'smsc-block-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The block in a file of its own; its path. */
function blockFile(text: string): string {
  files += 1;
  const path = join(dir, `smsc-${files}.conf`);
  writeFileSync(path, text);
  return path;
}

/** The provider example with `edit` applied to its text. */
function example(edit: (text: string) => string = (text) => text): string {
  return blockFile(edit(PROVIDER_EXAMPLE));
}

function refusal(env: Record<string, string>): BindServiceConfigError {
  return errorThrownBy(() => loadConfig({ ...RESOURCES, ...env }), BindServiceConfigError);
}

describe('loadConfig with SMPP_CONFIG_FILE (a Kannel group = smsc block)', () => {
  it('when the provider example block is loaded unedited, then the config equals the one from the same environment variables', () => {
    // Prepare
    const file = example();
    const equivalentEnv = {
      SMPP_HOST: 'smpp.smscentre.com',
      SMPP_PORT: '3700',
      SMPP_SYSTEM_ID: 'acme',
      SMPP_PASSWORD: 'fake-pass-1',
      SMPP_SYSTEM_TYPE: '',
      SMPP_SOURCE_ADDR_AUTODETECT: 'yes',
      SMPP_SOURCE_ADDR_TON: '5',
      SMPP_SOURCE_ADDR_NPI: '1',
      SMPP_ENQUIRE_LINK_SECONDS: '60',
      SMPP_WINDOW: '300',
      SMPP_THROUGHPUT: '30',
    };
    // Act
    const fromBlock = loadConfig({ ...RESOURCES, SMPP_CONFIG_FILE: file });
    const fromEnv = loadConfig({ ...RESOURCES, ...equivalentEnv });
    // Assess
    expect(fromBlock).toEqual(fromEnv);
    expect(fromBlock.accounts[0].smpp).toMatchObject({
      hosts: [{ host: 'smpp.smscentre.com', port: 3700 }],
      credentials: { kind: 'inline', systemId: 'acme', password: 'fake-pass-1' },
      enquireLinkIntervalMs: 60_000,
      windowSize: 300,
      throughput: 30,
    });
  });

  it('when the block adds the provider SSL lines, then TLS is on with the certkey file as certificate and key', () => {
    // Prepare
    const file = example((text) =>
      text.replace('port = 3700', 'port = 3443\nssl-client-certkey-file = "/etc/kannel.pem"\nuse-ssl = 1'),
    );
    // Act
    const config = loadConfig({ ...RESOURCES, SMPP_CONFIG_FILE: file });
    // Assess
    expect(config.accounts[0].smpp.hosts).toEqual([{ host: 'smpp.smscentre.com', port: 3443 }]);
    expect(config.accounts[0].smpp.tls).toEqual({
      enabled: true,
      certPath: '/etc/kannel.pem',
      keyPath: '/etc/kannel.pem',
    });
  });

  it('when the environment gives the same value in another spelling, then it is accepted', () => {
    // Act
    const config = loadConfig({
      ...RESOURCES,
      SMPP_CONFIG_FILE: example(),
      SMPP_HOST: 'smpp.smscentre.com',
      SMPP_SOURCE_ADDR_AUTODETECT: 'true',
      SMPP_THROUGHPUT: '30.0',
    });
    // Assess
    expect(config.accounts[0].smpp.throughput).toBe(30);
  });

  it('when SMPP_CONFIG_FILE is only blanks, then it counts as unset, as any blank variable does', () => {
    // Act
    const config = loadConfig({
      ...RESOURCES,
      SMPP_HOST: 'smpp.smscentre.com',
      SMPP_SYSTEM_ID: 'login',
      SMPP_PASSWORD: 'fake-password',
      SMPP_CONFIG_FILE: ' ',
    });
    // Assess: before, ' ' was opened as a file (ENOENT).
    expect(config.accounts[0]?.smpp.hosts[0]?.host).toBe('smpp.smscentre.com');
  });

  it('when a variable the block also sets is only blanks, then the block’s value is used', () => {
    // Act
    const config = loadConfig({ ...RESOURCES, SMPP_CONFIG_FILE: example(), SMPP_PORT: ' ' });
    // Assess: before, refused as "port and the environment's SMPP_PORT differ (3700 against  )".
    expect(config.accounts[0]?.smpp.hosts[0]?.port).toBe(3700);
  });

  it('when the environment gives a different value for a key of the block, then the start is refused naming both', () => {
    // Prepare
    const file = example();
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file, SMPP_HOST: 'smpp2.smscentre.com' });
    // Assess
    expect(error.variables).toEqual(['SMPP_CONFIG_FILE', 'SMPP_HOST']);
    expect(error.message).toContain(`${file} line 4: host and the environment's SMPP_HOST differ`);
  });

  it('when the passwords of the block and the environment differ, then the error shows neither', () => {
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: example(), SMPP_PASSWORD: 'fake-other-pass' });
    // Assess
    expect(error.message).toMatch(/line 7: smsc-password and the environment's SMPP_PASSWORD differ;/);
    expect(error.message).not.toMatch(/fake-pass-1|fake-other-pass/);
  });

  it('when SMPP_SECRET_ARN is set (AWS), then a login in the block is refused', () => {
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: example(), SMPP_SECRET_ARN: 'arn:aws:secretsmanager:x' });
    // Assess
    expect(error.variables).toEqual(['SMPP_CONFIG_FILE', 'SMPP_SECRET_ARN']);
    expect(error.message).toMatch(/line 6: smsc-username is refused with SMPP_SECRET_ARN/);
  });

  it('when a key is a slip of a known one, then the error names the file, the line, the key and the one meant', () => {
    // Prepare
    const file = example((text) => `${text}smsc-pasword = fake-pw\n`);
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file });
    // Assess
    expect(error.message).toContain(`${file} line 22: unknown key smsc-pasword; did you mean smsc-password?`);
  });

  it('when a key is like no known one, then the error names the file and the line but not the key (it may be part of a password)', () => {
    // Prepare
    const file = example((text) => `${text}smsc-colour = blue\n`);
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file });
    // Assess
    expect(error.message).toContain(`${file} line 22: unknown key (not quoted`);
    expect(error.message).not.toContain('smsc-colour');
  });

  it('when a line holds only a password with an "=" in it, then the start error names the line and never quotes it', () => {
    // Prepare: the key lost, the password left on a line of its own (base64-like passwords hold "=").
    const text = ['group = smsc', 'smsc = smpp', 'host = smpp.smscentre.com', 'smsc-username = acme'];
    const file = blockFile(`${text.join('\n')}\nQx7pw=9Lk\n`);
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file });
    // Assess
    expect(error.message).toContain(`${file} line 5: unknown key`);
    expect(error.message.toLowerCase()).not.toContain('qx7pw');
  });

  it.each([
    [
      'a Kannel key the service lacks',
      '',
      'reconnect-delay = 10',
      /reconnect-delay is a Kannel setting this/,
    ],
    [
      'a non-transceiver bind',
      'transceiver-mode = true',
      'transceiver-mode = false',
      /as a transceiver only/,
    ],
    ['a separate receiver port', 'receive-port = 0', 'receive-port = 2776', /separate receiver bind is not/],
    ['another default validity', 'validityperiod = 1440', 'validityperiod = 60', /validity is 1440 minutes/],
    ['another protocol version', 'interface-version = 34', 'interface-version = 50', /SMPP 3.4 only/],
    ['a second block', '', 'group = smsc', /one block per file/],
    ['a key given twice', '', 'host = smpp2.smscentre.com', /host is given twice/],
  ])('when the block holds %s, then the start is refused naming the line and why', (_, from, to, why) => {
    // Prepare
    const text = from ? PROVIDER_EXAMPLE.replace(from, to) : `${PROVIDER_EXAMPLE}${to}\n`;
    const line = text.split('\n').lastIndexOf(to) + 1;
    const file = blockFile(text);
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file });
    // Assess
    expect(error.message).toContain(`${file} line ${line}:`);
    expect(error.message).toMatch(why);
  });

  it('when a value is wrong for its variable, then the error names the variable and the block line', () => {
    // Prepare
    const file = example((text) => text.replace('enquire-link-interval = 60', 'enquire-link-interval = 300'));
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file });
    // Assess
    expect(error.variables).toContain('SMPP_ENQUIRE_LINK_SECONDS');
    expect(error.message).toMatch(/120 s idle limit/);
    expect(error.message).toContain(`SMPP_ENQUIRE_LINK_SECONDS from ${file} line 18 (enquire-link-interval)`);
  });

  it('when the login is still the placeholder of the example, then it is refused', () => {
    // Prepare
    const file = example((text) => text.replace('smsc-username = acme', 'smsc-username = <login>'));
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file });
    // Assess
    expect(error.message).toMatch(/line 6: smsc-username is still the placeholder <login>; fill it in/);
  });

  it('when the file does not start with group = smsc, then it is refused', () => {
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: blockFile('# settings\nhost = smpp.smscentre.com\n') });
    // Assess
    expect(error.message).toMatch(/line 2: the block must start with `group = smsc`/);
  });

  it('when a line is malformed, then the error names the file and the line', () => {
    // Prepare
    const file = example((text) => text.replace('port = 3700', 'port 3700'));
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: file });
    // Assess
    expect(error.message).toContain(`${file} line 5: expected "key = value"`);
  });

  it('when the file cannot be read, then the error names it', () => {
    // Act
    const error = refusal({ SMPP_CONFIG_FILE: join(dir, 'missing.conf') });
    // Assess
    expect(error.message).toMatch(/SMPP_CONFIG_FILE: cannot read .*missing\.conf: ENOENT/);
  });

  it('when msg-id-type says both ids are hex, then ids are read as hex; a mixed type is refused', () => {
    // Act
    const hex = loadConfig({
      ...RESOURCES,
      SMPP_CONFIG_FILE: example((text) => `${text}msg-id-type = 0x03\n`),
    });
    const mixed = refusal({ SMPP_CONFIG_FILE: example((text) => `${text}msg-id-type = 0x01\n`) });
    // Assess
    expect(hex.accounts[0].smpp.messageIdBase).toBe('hex');
    expect(mixed.message).toMatch(/SMPP_MESSAGE_ID_BASE from .* line 22 \(msg-id-type\)/);
  });
});
