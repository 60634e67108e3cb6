import { Command } from 'commander';
import { globalOptions, printJson, UsageError } from '../context.ts';
import { listDeadLetterQueues, redrive, sqsClientFor } from '../dlq/queues.ts';
import { table as newTable } from '../table.ts';

// `dlq list` and `dlq redrive <queue>`: the stack's dead-letter queues (locally, fauxqs's).

interface ListOptions {
  queuePrefix?: string;
}

export function dlqCommand(): Command {
  const dlq = new Command('dlq').description('list or redrive the dead-letter queues');
  dlq
    .command('list')
    .description('dead-letter queues with their depth and source queues')
    .option('--queue-prefix <prefix>', 'only queues whose name starts so (AWS: your stack’s name)')
    .action(async (options: ListOptions, command: Command) => {
      const global = globalOptions(command);
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
      'move at most n messages',
      (value) => Number.parseInt(value, 10),
      Number.MAX_SAFE_INTEGER,
    )
    .option('--queue-prefix <prefix>', 'only queues whose name starts so')
    .action(async (queue: string, options: ListOptions & { to?: string; max: number }, command: Command) => {
      const global = globalOptions(command);
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
        const moved = await redrive(sqs, found.url, target.url, options.max);
        if (global.json) return printJson({ from: found.name, to: target.name, moved });
        process.stdout.write(
          `moved ${moved} message${moved === 1 ? '' : 's'} from ${found.name} to ${target.name}\n`,
        );
      } finally {
        sqs.destroy();
      }
    });
  return dlq;
}
