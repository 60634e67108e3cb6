import { Command } from 'commander';

// `simulator`: the standalone SMSC simulator (local/smsc-simulator), its settings as options. The
// options become the SIM_* variables it reads, so both ways of starting it take the same settings
// and are checked by the same code.

const SETTINGS = [
  ['--port <port>', 'SIM_PORT', 'port to listen on (0: a free one; default 2775)'],
  ['--host <host>', 'SIM_HOST', 'address to listen on (default 127.0.0.1)'],
  ['--accounts <list>', 'SIM_ACCOUNTS', 'id:password[:rate],… (default test:test)'],
  ['--rate <n>', 'SIM_RATE', 'msg/s of accounts without their own rate (default 30)'],
  ['--window <n>', 'SIM_WINDOW', 'unanswered submit_sm per session before ESME_RMSGQFUL (default 300)'],
  [
    '--idle-timeout-ms <ms>',
    'SIM_IDLE_TIMEOUT_MS',
    'a silent session is unbound after this (default 120000)',
  ],
  ['--receipt-delay-ms <ms>', 'SIM_RECEIPT_DELAY_MS', 'delay before the receipt (default 100)'],
  [
    '--duplicate-window-ms <ms>',
    'SIM_DUPLICATE_WINDOW_MS',
    'identical sends refused within it; 0 = off (default 60000)',
  ],
  [
    '--flood-limit <n>',
    'SIM_FLOOD_LIMIT',
    'messages to one number < 30 s apart before err 251; 0 = off (default 50)',
  ],
  ['--tls-key <file>', 'SIM_TLS_KEY', 'PEM key; with --tls-cert, serve TLS'],
  ['--tls-cert <file>', 'SIM_TLS_CERT', 'PEM certificate'],
] as const;

export function simulatorCommand(): Command {
  const command = new Command('simulator').description('run the SMSC simulator (Ctrl-C stops it)');
  for (const [flags, , description] of SETTINGS) command.option(flags, description);
  command
    .option('--no-record', 'keep counters only (QUERY_SM then knows no message)')
    .option('--no-log-messages', 'no JSON line per accepted message')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      for (const [flags, variable] of SETTINGS) {
        const key = camelCase(flags.split(' ')[0] ?? '');
        const value = options[key];
        if (typeof value === 'string') process.env[variable] = value;
      }
      if (options.record === false) process.env.SIM_RECORD = 'false';
      if (options.logMessages === false) process.env.SIM_LOG_MESSAGES = 'false';
      await import('#local/smsc-simulator/main.ts');
    });
  return command;
}

function camelCase(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
