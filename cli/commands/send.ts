import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { type MessageView, type SendMessageInput, type SendResult, SmscApiError } from '#client/index.ts';
import { MESSAGE_KINDS } from '#core/domain/messages/message-kinds.ts';
import { ENCODING_CHOICES, PRIORITIES } from '#core/domain/requests/request-options.ts';
import { scrub } from '#core/observability/redaction.ts';
import { clientFor, globalOptions, printJson, reportError, UsageError } from '../context.ts';
import { idempotencyKeyOption, wholeNumberOption } from '../option-values.ts';
import { printMessage, WAIT_TIMED_OUT_EXIT, waitForFinal } from './status.ts';

// `send`: one message, every field the API takes as an option (the API validates; its problem is
// printed as it answers).

interface SendOptions {
  to: string;
  text?: string;
  from?: string;
  kind: SendMessageInput['kind'];
  subject?: string;
  voice?: string;
  bot?: string;
  comment?: string;
  priority?: SendMessageInput['priority'];
  encoding?: SendMessageInput['encoding'];
  udh?: string;
  validityMinutes?: number;
  clientRef?: string;
  callbackUrl?: string;
  account?: string;
  idempotencyKey?: string;
  wait?: boolean;
  waitTimeout: number;
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new UsageError(`"${value}" is not a whole number`);
  return number;
}

export function sendCommand(): Command {
  return new Command('send')
    .description('send one message')
    .requiredOption(
      '--to <recipient>',
      'phone number in E.164 with its + (spaces, dashes allowed) or, for --kind mail, an e-mail address',
    )
    .option('--text <text>', 'the message (not for hlr and ping)')
    .option('--from <sender>', 'sender id: up to 11 letters/digits, or a number')
    .addOption(new Option('--kind <kind>', 'what the provider sends').choices(MESSAGE_KINDS).default('sms'))
    .option('--subject <subject>', 'mail subject (kind mail)')
    .option('--voice <voice>', 'voice (kind call)')
    .option('--bot <bot>', 'bot name (kind bot)')
    .option('--comment <comment>', 'comment kept at the provider')
    .addOption(new Option('--priority <lane>', 'lane (default urgent)').choices(PRIORITIES))
    .addOption(new Option('--encoding <encoding>', 'default auto').choices(ENCODING_CHOICES))
    .option('--udh <hex>', 'user data header, hex (--encoding binary)')
    .option('--validity-minutes <minutes>', 'how long the SMSC keeps trying', wholeNumber)
    .option('--client-ref <ref>', 'your own reference')
    .option('--callback-url <url>', 'https URL receiving each status change (signed)')
    .option('--account <name>', 'the account (SMPP_ACCOUNTS entry) that sends it; default: routing')
    .option('--idempotency-key <key>', 'default: a new random key (reused on retries)', idempotencyKeyOption)
    .option('--wait', 'wait until the message is final and print its history; exit 1 unless delivered')
    .option(
      '--wait-timeout <seconds>',
      `how long --wait waits (then exit ${WAIT_TIMED_OUT_EXIT})`,
      wholeNumberOption('--wait-timeout', 1),
      300,
    )
    .action(async (options: SendOptions, command: Command) => {
      const global = globalOptions(command);
      const client = clientFor(global);
      const { idempotencyKey: givenKey, wait, waitTimeout, ...fields } = options;
      // Drawn here, not by the client: after an answer that leaves the send unknown, the user needs
      // the key to resend it safely, and a rerun of the same command would draw another.
      const idempotencyKey = givenKey ?? randomUUID();
      const body = Object.fromEntries(
        Object.entries(fields).filter(([, value]) => value !== undefined),
      ) as SendMessageInput;
      let sent: SendResult;
      try {
        sent = await client.send(body, { idempotencyKey });
      } catch (error) {
        if (!(error instanceof SmscApiError && mayHaveTakenEffect(error))) throw error;
        process.exitCode = reportError(error);
        process.stderr.write(
          `  the message may have been taken: to retry without a second message, resend with --idempotency-key ${shellWord(idempotencyKey)}\n`,
        );
        return;
      }
      if (global.json && !wait) return printJson(sent);
      if (!global.json) {
        process.stdout.write(
          `${sent.id} ${sent.status} (${sent.encoding}, ${sent.parts} part${sent.parts === 1 ? '' : 's'})${sent.replayed ? ' [replayed]' : ''}\n`,
        );
      }
      if (wait) {
        let message: MessageView;
        try {
          message = await waitForFinal(client, sent.id, waitTimeout);
        } catch (error) {
          // The message was accepted: only its reads failed. Said so, with its id and key, a script
          // or user does not take the failure for a failed send and send it a second time.
          if (global.json) printJson({ ...sent, waitError: waitErrorOf(error) });
          process.exitCode = reportError(error);
          process.stderr.write(
            `  message ${sent.id} WAS accepted (--idempotency-key ${shellWord(idempotencyKey)}); only waiting for it failed: check it with \`smsc-sender status ${sent.id}\`, do not send it again\n`,
          );
          return;
        }
        if (global.json) printJson(message);
        else printMessage(message);
        // A script waiting for the message learns its fate from the exit status alone.
        if (message.status !== 'delivered') {
          process.stderr.write(`error: message ${message.id} ended ${message.status}, not delivered\n`);
          process.exitCode = 1;
        }
      }
    });
}

/** Why `--wait` failed, for --json: the API's problem code when it answered (its words masked). */
function waitErrorOf(error: unknown): { message: string; status?: number; code?: string } {
  if (error instanceof SmscApiError) {
    const { status, code, detail } = error.problem;
    return { message: `${status} ${code}: ${scrub(detail)}`, status, code };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * No answer or a server error after the retries: the API may have stored the message (503
 * store_outcome_unknown says so outright), and only the same key keeps a resend from being a second
 * message. So may a 2xx whose body could not be read (not JSON, no id): the 2xx says it was taken.
 * A 4xx refused it, a 3xx was never followed, nothing taken; attempts 0: the client refused the key,
 * nothing sent.
 */
function mayHaveTakenEffect(error: SmscApiError): boolean {
  const { status } = error.problem;
  return error.attempts > 0 && (status === 0 || (status >= 200 && status < 300) || status >= 500);
}

/** The key as the shell takes it back: a key of the API's rule may hold spaces and quotes. */
function shellWord(value: string): string {
  return /^[\w.:@+=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
