import { Command, CommanderError, Option } from 'commander';
import { batchCommand } from './commands/batch.ts';
import { dlqCommand } from './commands/dlq.ts';
import { sendCommand } from './commands/send.ts';
import { simulatorCommand } from './commands/simulator.ts';
import { startCommand } from './commands/start.ts';
import { statusCommand } from './commands/status.ts';
import { tailCommand } from './commands/tail.ts';
import { DEFAULT_ENDPOINT, reportError, USAGE_EXIT } from './context.ts';
import { endpointOption } from './option-values.ts';

// `smsc-sender` (npx smsc-sender …, npm run cli -- …): the SMS sender from a terminal, against the
// local stack (default endpoint) or a deployed one (SigV4 with the AWS CLI's credentials).

const program = new Command('smsc-sender')
  .description('Send SMS through the smsc-aws-sender API, follow them, run CSV mailings, manage DLQs')
  .addOption(
    new Option('--endpoint <url>', 'API base URL (a deployed stack: its API Gateway stage URL)')
      .env('SMSC_ENDPOINT')
      .argParser(endpointOption)
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

// Commands made apart and added do not inherit exitOverride: without it each would exit 1 itself.
const overrideExits = (command: Command): void => {
  command.exitOverride();
  for (const sub of command.commands) overrideExits(sub);
};
overrideExits(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has printed its own message (unknown option, --help) and set the code: 1 for every
  // refusal of the command line, which README's exit statuses (and a script retrying on 1) read as a
  // failed request. A usage error is 2, as the commands' own checks exit.
  process.exitCode = error instanceof CommanderError ? commanderExit(error) : reportError(error);
}

/** 0 for help asked for; a command line refused (help shown for a missing command included) is 2. */
function commanderExit(error: CommanderError): number {
  return error.exitCode === 0 ? 0 : USAGE_EXIT;
}
