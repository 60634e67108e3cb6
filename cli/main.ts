import { Command, Option } from 'commander';
import { batchCommand } from './commands/batch.ts';
import { dlqCommand } from './commands/dlq.ts';
import { sendCommand } from './commands/send.ts';
import { simulatorCommand } from './commands/simulator.ts';
import { startCommand } from './commands/start.ts';
import { statusCommand } from './commands/status.ts';
import { tailCommand } from './commands/tail.ts';
import { DEFAULT_ENDPOINT, reportError } from './context.ts';

// `smsc-sender` (npx smsc-sender …, npm run cli -- …): the SMS sender from a terminal, against the
// local stack (default endpoint) or a deployed one (SigV4 with the AWS CLI's credentials).

const program = new Command('smsc-sender')
  .description('Send SMS through the smsc-aws-sender API, follow them, run CSV mailings, manage DLQs')
  .addOption(
    new Option('--endpoint <url>', 'API base URL (a deployed stack: its API Gateway stage URL)')
      .env('SMSC_ENDPOINT')
      .default(DEFAULT_ENDPOINT),
  )
  .addOption(new Option('--region <region>', 'AWS region (default: from the endpoint, else AWS_REGION)'))
  .addOption(new Option('--profile <profile>', 'AWS named profile, as for the AWS CLI').env('AWS_PROFILE'))
  .option('--json', 'print answers as JSON')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(sendCommand());
program.addCommand(statusCommand());
program.addCommand(tailCommand());
program.addCommand(batchCommand());
program.addCommand(dlqCommand());
program.addCommand(simulatorCommand());
program.addCommand(startCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has printed its own message (unknown option, --help) and set the code.
  const code = (error as { exitCode?: unknown }).exitCode;
  process.exitCode = typeof code === 'number' ? code : reportError(error);
}
