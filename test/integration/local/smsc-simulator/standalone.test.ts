import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { readStandaloneConfig } from '#local/smsc-simulator/env.ts';
import { maskPhone } from '#local/smsc-simulator/mask.ts';
import { boundClient, type TestClient } from '#test/helpers/smpp/simulator-client.ts';

interface Running {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  nextLine: (predicate: (line: string) => boolean) => Promise<string>;
  exited: Promise<number | null>;
}

const running: Running[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const { child, exited } of running.splice(0)) {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
});

function startStandalone(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/smsc-simulator/main.ts'], {
    env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const check of waiting) check();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const nextLine = (predicate: (line: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines.find(predicate);
        if (found === undefined) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`no matching output line; got: ${lines.join(' | ')}`));
      }, 15_000);
      waiting.add(check);
      check();
    });
  const run = { child, lines, nextLine, exited };
  running.push(run);
  return run;
}

/** The message `read` fails with. */
function failureOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected it to fail');
}

describe('standalone simulator', () => {
  it('when started from env, then it prints where it listens without passwords, logs binds masked and stops on SIGTERM', async () => {
    // Prepare
    const run = startStandalone({ SIM_PORT: '0', SIM_ACCOUNTS: 'alpha:pw-one:5,beta:pw-two', SIM_RATE: '7' });
    const banner = await run.nextLine((line) => line.startsWith('SMSC simulator on'));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
    const client = await boundClient(port, { systemId: 'alpha', password: 'pw-one' });
    clients.push(client);
    // Act
    await client.submit({ destination_addr: '79991234567', short_message: Buffer.from('hello') });
    const messageLine = await run.nextLine((line) => line.includes('"event":"message"'));
    run.child.kill('SIGTERM');
    const code = await run.exited;
    // Assess
    expect(banner).toContain('alpha (5 msg/s), beta (7 msg/s)');
    expect(run.lines.join('\n')).not.toMatch(/pw-one|pw-two/);
    expect(
      run.lines.some((line) => line.includes('"event":"bind"') && line.includes('"systemId":"alpha"')),
    ).toBe(true);
    expect(messageLine).toContain('"destination":"7999*****67"');
    expect(messageLine).not.toContain('79991234567');
    expect(code).toBe(0);
  });

  it('when the environment is invalid, then reading it fails with the variable named', () => {
    // Prepare
    const env = { SIM_PORT: 'not-a-port' };
    // Act
    const read = () => readStandaloneConfig(env);
    // Assess
    expect(read).toThrow(/SIM_PORT/);
  });

  // main.ts prints a start failure's message to stderr: an entry it cannot read is named, not quoted.
  it.each([
    ['a ":"', 'acme:fake:pw:not-real', /fake|pw|not-real/, 'entry 1 (system id "acme")'],
    ['a ","', 'acme:fake,pw-not-real', /fake|pw-not-real/, 'entry 2'],
  ])(
    'when a SIM_ACCOUNTS password holds %s, then the error names the entry and quotes no part of the password',
    (_what, accounts, password, named) => {
      // Prepare
      const env = { SIM_ACCOUNTS: accounts };
      // Act
      const message = failureOf(() => readStandaloneConfig(env));
      // Assess
      expect(message).not.toMatch(password);
      expect(message).toBe(`SIM_ACCOUNTS: expected id:password[:rate] in ${named}`);
    },
  );

  it('when a setting holds only blanks, then it counts as unset and keeps its default', () => {
    // Prepare: a compose file's `SIM_RATE=` with no value, as in the bind-service's settings
    const env = { SIM_RATE: '', SIM_WINDOW: '  ', SIM_PORT: ' ', SIM_ACCOUNTS: 'a:x' };
    // Act
    const config = readStandaloneConfig(env);
    // Assess: before, Number('') = 0 gave every account a rate of 0 and a window of 0
    expect(config.port).toBe(2775);
    expect(config.options.windowSize).toBe(300);
    expect(config.options.accounts).toEqual([{ systemId: 'a', password: 'x', rate: 30 }]);
  });

  it('when accounts carry rates, then each gets its own and the others the default', () => {
    // Prepare
    const env = { SIM_ACCOUNTS: 'a:x:0, b:y', SIM_RATE: '12', SIM_WINDOW: '10' };
    // Act
    const config = readStandaloneConfig(env);
    // Assess
    expect(config.port).toBe(2775);
    expect(config.options).toMatchObject({
      host: '127.0.0.1',
      windowSize: 10,
      accounts: [
        { systemId: 'a', password: 'x', rate: 0 },
        { systemId: 'b', password: 'y', rate: 12 },
      ],
    });
  });

  it('when a phone number is masked, then the first 4 and last 2 digits stay', () => {
    // Prepare
    const numbers = ['+79991234567', '79991234567', 'MyShop', '7377'];
    // Act
    const masked = numbers.map(maskPhone);
    // Assess
    expect(masked).toEqual(['+7999*****67', '7999*****67', 'MyShop', '7377']);
  });

  it('when a short number (7 or 8 digits) is masked, then at least 3 digits stay hidden, as in every log', () => {
    // Prepare
    const numbers = ['+6907290', '6907290', '+50051234'];
    // Act
    const masked = numbers.map(maskPhone);
    // Assess
    expect(masked).toEqual(['+6907***', '6907***', '+5005****']);
  });
});
