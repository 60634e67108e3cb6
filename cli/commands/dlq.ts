import { Command } from 'commander';
import { clientFor, globalOptions, printJson, UsageError } from '../context.ts';
import type { RedriveOutcome } from '../dlq/redrive.ts';
import { heldText } from '../dlq/report.ts';
import { wholeNumberOption } from '../option-values.ts';
import { table as newTable } from '../table.ts';

// `dlq list` and `dlq redrive <queue>`: the stack's dead-letter queues (locally, fauxqs's).

interface ListOptions {
  queuePrefix?: string;
}

interface RedriveOptions extends ListOptions {
  to?: string;
  max?: number;
  asNew?: boolean;
}

/**
 * The SQS client and the redrive, loaded when a dlq command runs: imported with the others, they
 * added about 0.25 s to the start of every `smsc-sender` command.
 */
const dlqWork = async () => {
  const [queues, records, redrive] = await Promise.all([
    import('../dlq/queues.ts'),
    import('../dlq/records.ts'),
    import('../dlq/redrive.ts'),
  ]);
  return { ...queues, ...records, ...redrive };
};

export function dlqCommand(): Command {
  const dlq = new Command('dlq').description('list or redrive the dead-letter queues');
  dlq
    .command('list')
    .description('dead-letter queues with their depth and source queues')
    .option('--queue-prefix <prefix>', 'only queues whose name starts so (AWS: your stack’s name)')
    .action(async (options: ListOptions, command: Command) => {
      const global = globalOptions(command);
      const { listDeadLetterQueues, sqsClientFor } = await dlqWork();
      const sqs = await sqsClientFor(global);
      try {
        const queues = await listDeadLetterQueues(sqs, options.queuePrefix);
        if (global.json) return printJson(queues);
        const table = newTable({ head: ['dead-letter queue', 'messages', 'in flight', 'source queue(s)'] });
        for (const queue of queues) {
          table.push([
            queue.name,
            String(queue.messages),
            String(queue.inFlight),
            queue.sources.map((s) => s.name).join(', '),
          ]);
        }
        process.stdout.write(`${table.toString()}\n`);
      } finally {
        sqs.destroy();
      }
    });
  dlq
    .command('redrive')
    .description('move messages from a dead-letter queue back to its source queue')
    .argument('<queue>', 'the dead-letter queue, by name or URL')
    .option('--to <queue>', 'the source queue, when several dead-letter into it')
    .option(
      '--max <n>',
      'move at most n messages (default: as many as the queue holds when redrive starts)',
      wholeNumberOption('--max', 1),
    )
    .option('--queue-prefix <prefix>', 'only queues whose name starts so')
    .option(
      '--as-new',
      'move messages rejected before they were sent as new messages (a new id; see docs/operations.md)',
    )
    .action(async (queue: string, options: RedriveOptions, command: Command) => {
      const global = globalOptions(command);
      const { apiRecordReader, listDeadLetterQueues, redrive, sqsClientFor } = await dlqWork();
      const sqs = await sqsClientFor(global);
      try {
        const queues = await listDeadLetterQueues(sqs, options.queuePrefix);
        const found = queues.find((candidate) => candidate.name === queue || candidate.url === queue);
        if (!found) {
          throw new UsageError(
            `"${queue}" is not a dead-letter queue here; known: ${queues.map((q) => q.name).join(', ')}`,
          );
        }
        const target = options.to
          ? found.sources.find((source) => source.name === options.to || source.url === options.to)
          : found.sources.length === 1
            ? found.sources[0]
            : undefined;
        if (!target) {
          throw new UsageError(
            `give --to: ${found.name} takes dead letters from ${found.sources.map((s) => s.name).join(', ')}`,
          );
        }
        // Without --max, what the DLQ held at the start: a message the consumer dead-letters again at
        // once (an invalid one) would otherwise go round for ever, a new rejected record each time.
        const max = options.max ?? found.messages;
        // Each entry's record is read through the API, as `status` reads it (dlq/entry-plan.ts).
        const records = apiRecordReader(clientFor(global));
        const outcome = await redrive(sqs, found.url, target.url, {
          max,
          records,
          asNew: options.asNew === true,
        });
        const waitingAtStart = options.max === undefined ? max : undefined;
        if (global.json) printJson({ from: found.name, to: target.name, max, ...outcome });
        else {
          process.stdout.write(`${movedLine(outcome.moved, found.name, target.name, waitingAtStart)}\n`);
          for (const { from, id } of outcome.movedAsNew) {
            process.stdout.write(`  ${from} -> ${id} (moved as a new message; ${from} stays rejected)\n`);
          }
        }
        // What was moved is printed first, then what went wrong: a failure of the run (1), not usage (2).
        if (outcome.held.length > 0) {
          process.stderr.write(`error: ${heldText(outcome.held, found.name)}\n`);
          process.exitCode = 1;
        }
        if (outcome.stillOnDlq.length > 0) {
          process.stderr.write(`error: ${stillOnDlqText(outcome.stillOnDlq, found.name, target.name)}\n`);
          process.exitCode = 1;
        }
        if (outcome.notSent.length > 0) {
          process.stderr.write(`error: ${notSentText(outcome.notSent, found.name, target.name)}\n`);
          process.exitCode = 1;
        }
        if (outcome.stopped !== undefined) {
          process.stderr.write(
            `error: redrive stopped: SQS did not answer a receive from ${found.name} (${outcome.stopped}); ` +
              'run it again\n',
          );
          process.exitCode = 1;
        }
      } finally {
        sqs.destroy();
      }
    });
  return dlq;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** `waitingAtStart`: the DLQ's depth when redrive started, when that (no --max) bounded it. */
function movedLine(moved: number, from: string, to: string, waitingAtStart: number | undefined): string {
  const line = `moved ${plural(moved, 'message')} from ${from} to ${to}`;
  if (waitingAtStart === undefined) return line;
  return (
    `${line} (at most the ${waitingAtStart} waiting when redrive started; ` +
    'messages dead-lettered since stay for the next redrive or --max)'
  );
}

function stillOnDlqText(stuck: RedriveOutcome['stillOnDlq'], from: string, to: string): string {
  const reasons = [...new Set(stuck.map((message) => message.reason))].join(', ');
  const [it, shows] = stuck.length === 1 ? ['it', 'It shows'] : ['them', 'They show'];
  return (
    `${plural(stuck.length, 'message')} copied to ${to} but still on ${from} (SQS did not delete ${it}: ` +
    `${reasons}). ${shows} on ${from} again within a minute: do not redrive ${it} again (the copy on ` +
    `${to} is enough) but delete ${it} from ${from} by hand; MessageId: ` +
    stuck.map((message) => message.messageId).join(', ')
  );
}

function notSentText(refused: RedriveOutcome['notSent'], from: string, to: string): string {
  const reasons = [...new Set(refused.map((message) => message.reason))].join(', ');
  const [its, it, is] = refused.length === 1 ? ['its', 'it', 'is'] : ['their', 'they', 'are'];
  return (
    `${plural(refused.length, 'message')} not moved: SQS refused ${its} copy to ${to} (${reasons}), so ` +
    `${it} ${is} still on ${from} (visible again within a minute); redrive stopped there, run it again ` +
    'later; MessageId: ' +
    refused.map((message) => message.messageId).join(', ')
  );
}
