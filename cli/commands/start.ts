import { Command } from 'commander';

// `start`: the whole local stack (`npm start`, local/main.ts). --smsc-config names the provider's
// Kannel `group = smsc` block and becomes SMPP_CONFIG_FILE, so both ways of starting read the same
// block through the same code (bind-service/smsc-block).

export function startCommand(): Command {
  return new Command('start')
    .description('run the local stack: API, bind-service, SMSC simulator or a real SMSC (Ctrl-C stops it)')
    .option('--smsc-config <file>', "the provider's Kannel `group = smsc` block (as SMPP_CONFIG_FILE)")
    .option('--port <port>', 'API port (as PORT; default 3000)')
    .action(async (options: { smscConfig?: string; port?: string }) => {
      if (options.smscConfig) process.env.SMPP_CONFIG_FILE = options.smscConfig;
      if (options.port) process.env.PORT = options.port;
      await import('#local/main.ts');
    });
}
