import { describe, expect, it } from 'vitest';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';
import { parseAccounts } from '#core/domain/accounts/parse-accounts.ts';

const FILE = 'accounts.json';

const main = { name: 'main', systemId: 'login1', password: 'fake-pass-1', host: 'smsc.test', port: 3700 };
const bulk = {
  name: 'bulk',
  systemId: 'login2',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smpp-bulk',
  host: 'smsc.test',
  port: 3443,
  backupHost: 'smsc2.test',
  systemType: 'MCON3,ISO',
  tls: { ca: '/etc/ca.pem' },
  throughput: 50,
  window: 600,
  binds: 3,
  senders: ['Shop'],
  prefixes: ['+7', '+4420'],
  principals: ['arn:aws:iam::123456789012:role/marketing'],
};

/** Before, accepted: "smsc2.test:3700" was dialled as a host name, only when the primary failed. */
const NOT_A_HOST =
  'must be a host name or IP address alone (no ":port", scheme, path or spaces); give the port in "port"';

function parse(value: unknown): ReturnType<typeof parseAccounts> {
  return parseAccounts(JSON.stringify(value), FILE);
}

function problemOf(value: unknown): AccountsConfigError {
  try {
    parseAccounts(typeof value === 'string' ? value : JSON.stringify(value), FILE);
  } catch (error) {
    if (error instanceof AccountsConfigError) return error;
    throw error;
  }
  throw new Error('expected an AccountsConfigError');
}

describe('parseAccounts', () => {
  it('when an entry gives only the required fields, then the provider defaults fill the rest', () => {
    // Act
    const [account] = parse([main]);
    // Assess
    expect(account).toEqual({
      name: 'main',
      systemType: '',
      flags: { iso: false, single: false },
      senders: [],
      prefixes: [],
      login: {
        systemId: 'login1',
        credentials: { kind: 'inline', password: 'fake-pass-1' },
        hosts: [{ host: 'smsc.test', port: 3700 }],
        tls: { enabled: false },
        throughput: 30,
        window: 300,
        binds: 1,
      },
    });
  });

  it('when an entry gives every field, then each is read, the backup host on the same port', () => {
    // Act
    const accounts = parse([main, bulk]);
    // Assess
    expect(accounts.map((account) => account.name)).toEqual(['main', 'bulk']);
    expect(accounts[1]).toEqual({
      name: 'bulk',
      systemType: 'MCON3,ISO',
      flags: { mcon: 3, iso: true, single: false },
      senders: ['Shop'],
      prefixes: ['+7', '+4420'],
      principals: ['arn:aws:iam::123456789012:role/marketing'],
      login: {
        systemId: 'login2',
        credentials: { kind: 'secret', secretArn: bulk.secretArn },
        hosts: [
          { host: 'smsc.test', port: 3443 },
          { host: 'smsc2.test', port: 3443 },
        ],
        tls: { enabled: true, caPath: '/etc/ca.pem' },
        throughput: 50,
        window: 600,
        binds: 3,
      },
    });
  });

  it('when the hosts are IP addresses, IPv6 written bare as net.connect takes it, then both are used', () => {
    // Act
    const [account] = parse([{ ...main, host: '10.0.0.5', backupHost: '2001:db8::1' }]);
    // Assess
    expect(account?.login.hosts).toEqual([
      { host: '10.0.0.5', port: 3700 },
      { host: '2001:db8::1', port: 3700 },
    ]);
  });

  it('when two entries share a name, then the error names the file, both entries and the field', () => {
    // Act
    const error = problemOf([main, { ...main, systemId: 'other' }]);
    // Assess
    expect(error.message).toBe(
      'Invalid SMPP_ACCOUNTS file accounts.json: [1] "main": name: "main" is used by [0] "main" too',
    );
    expect(error.variables).toEqual(['SMPP_ACCOUNTS']);
  });

  it.each([
    ['both', { ...main, secretArn: bulk.secretArn }],
    ['neither', { name: 'main', systemId: 'login1', host: 'smsc.test', port: 3700 }],
  ])('when an entry gives %s of password and secretArn, then it is refused naming the entry', (_, entry) => {
    // Act
    const error = problemOf([entry]);
    // Assess
    expect(error.message).toContain(
      '[0] "main": password: give exactly one of "password" (local mode) and "secretArn"',
    );
  });

  it.each([
    [{ port: 0 }, '[0] "main": port: must be from 1 to 65535'],
    [{ port: 70_000 }, '[0] "main": port: must be from 1 to 65535'],
    [{ port: 3700.5 }, '[0] "main": port: must be a whole number'],
    [{ binds: 0 }, '[0] "main": binds: must be at least 1'],
    [{ binds: 2 }, '[0] "main": binds: 2 binds need systemType to carry MCONn with n >= 2'],
    [{ systemType: 'SINLGE' }, '[0] "main": systemType: unknown flag "SINLGE" (known: MCON1-9, ISO, SINGLE)'],
    [{ name: 'bad name' }, '[0] "bad name": name: must be 1-64 letters'],
    [{ prefixes: ['7'] }, '[0] "main": prefixes.0: must be "+" and 1-15 digits'],
    [{ principals: ['orders'] }, '[0] "main": principals.0: must be an IAM role or user ARN'],
    [{ bind: 1 }, '[0] "main": bind: unknown field'],
    [{ host: undefined }, '[0] "main": host: is required'],
    [{ host: 'smsc.test:3700' }, `[0] "main": host: ${NOT_A_HOST}`],
    [{ backupHost: 'smsc2.test:3700' }, `[0] "main": backupHost: ${NOT_A_HOST}`],
    [{ backupHost: 'smpp://smsc2.test' }, `[0] "main": backupHost: ${NOT_A_HOST}`],
    [{ backupHost: 'smsc2 test' }, `[0] "main": backupHost: ${NOT_A_HOST}`],
  ])('when an entry has %j, then the error names the entry and the field', (change, expected) => {
    // Act
    const error = problemOf([{ ...main, ...change }]);
    // Assess
    expect(error.message).toContain(expected);
    expect(error.message).toContain(`file ${FILE}:`);
  });

  it('when several entries are wrong, then every problem is reported at once', () => {
    // Act
    const error = problemOf([
      { ...main, port: 0 },
      { ...bulk, binds: 0 },
    ]);
    // Assess
    expect(error.message).toContain('[0] "main": port:');
    expect(error.message).toContain('[1] "bulk": binds:');
  });

  it('when two accounts list the same sender or prefix, then it is refused: routing would be ambiguous', () => {
    // Act
    const error = problemOf([
      { ...main, senders: ['Shop'], prefixes: ['+7'] },
      { ...bulk, senders: ['Shop'], prefixes: ['+7'] },
    ]);
    // Assess
    expect(error.message).toContain('[1] "bulk": senders: "Shop" is used by [0] "main" too');
    expect(error.message).toContain('[1] "bulk": prefixes: "+7" is used by [0] "main" too');
  });

  it.each([
    ['not JSON', '{', 'is not valid JSON'],
    ['an object', JSON.stringify(main), 'must be a JSON array of accounts'],
    ['an empty list', '[]', 'must list at least one account'],
  ])('when the file is %s, then the error says so', (_, text, expected) => {
    // Act
    const error = problemOf(text);
    // Assess
    expect(error.message).toContain(`Invalid SMPP_ACCOUNTS file ${FILE}: `);
    expect(error.message).toContain(expected);
  });

  it('when an entry is wrong, then its password is not quoted in the error', () => {
    // Act
    const error = problemOf([{ ...main, port: 0 }]);
    // Assess
    expect(error.message).not.toContain(main.password);
  });

  it.each([
    ['left unquoted', `"password": ${main.password},`],
    ['in single quotes', `"password": '${main.password}',`],
  ])('when a password is %s (not JSON), then the error shows where, never the text around it', (_, line) => {
    // Prepare
    const text = `[{\n  "name": "main",\n  ${line}\n  "host": "smsc.test", "port": 3700\n}]`;
    // Act
    const error = problemOf(text);
    // Assess: before, JSON.parse's own message quoted the text at the fault, password and all.
    expect(error.message).toContain('is not valid JSON');
    expect(error.message).not.toContain(main.password.slice(0, 4));
  });

  it('when JSON.parse says where the fault is, then the error gives its line and column', () => {
    // Act
    const error = problemOf('[{\n  "name": "main",\n  "port": 3700,\n}]');
    // Assess
    expect(error.message).toContain('is not valid JSON at line 4, column 1');
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])(
    'when an account is named %s (a member every JavaScript object has), then it is refused',
    (name) => {
      // Act
      const error = problemOf([main, { ...bulk, name }]);
      // Assess: before, accepted, and lookups by name (its queue pair) found the object's member.
      expect(error.message).toContain(`"${name}": name: is reserved`);
    },
  );

  it('when two accounts name the same systemId, then it is refused: their sessions would share one login', () => {
    // Act
    const error = problemOf([main, { ...bulk, systemId: main.systemId }]);
    // Assess: before, accepted; one task then bound the login twice (the slot leases are keyed by
    // systemId) and the two sessions ended each other, 24 kicks in 3 s.
    expect(error.message).toContain(`[1] "bulk": systemId: "${main.systemId}" is used by [0] "main" too`);
  });

  it('when an invalid entry comes before two that share a name, then the conflict names their places in the file', () => {
    // Prepare: [0] is broken, [1] and [2] are both "bulk".
    const entries = [
      { ...main, port: 70_000 },
      { ...main, name: 'bulk', systemId: 'login2' },
      { ...main, name: 'bulk', systemId: 'login3' },
    ];
    // Act
    const error = problemOf(entries);
    // Assess: before, numbered among the valid entries only: "[1] ... is used by [0]".
    expect(error.message).toContain('[0] "main": port:');
    expect(error.message).toContain('[2] "bulk": name: "bulk" is used by [1] "bulk" too');
    expect(error.message).not.toContain('is used by [0]');
  });

  it('when an invalid entry comes before two that share a prefix, then the conflict names their places in the file', () => {
    // Prepare: [0]'s systemType is misspelt, [1] and [2] both claim +44.
    const entries = [
      { ...main, systemType: 'SINLGE' },
      { ...main, name: 'uk', systemId: 'login2', prefixes: ['+44'] },
      { ...main, name: 'gb', systemId: 'login3', prefixes: ['+44'] },
    ];
    // Act
    const error = problemOf(entries);
    // Assess: before, "[1] "gb": prefixes: "+44" is used by [0] "uk" too".
    expect(error.message).toContain('[2] "gb": prefixes: "+44" is used by [1] "uk" too');
  });
});
