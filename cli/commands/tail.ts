import { Command } from 'commander';
import { maskRecipient } from '#core/domain/requests/recipient-mask.ts';
import type { MessageStatusChanged } from '#lambdas/status-stream/status-event.ts';
import { awsRegionOf, type GlobalOptions, globalOptions, isLocal, UsageError } from '../context.ts';
import { wholeNumberOption } from '../option-values.ts';
import { onStopSignals } from '../signals.ts';
import { localEvents } from '../tail/local-events.ts';

// `tail`: status changes as they happen, one line each, until Ctrl-C (or --count events). Any of
// the stop signals (a closed terminal's SIGHUP too) ends it the same way, with the cleanup of its
// rule and queue on a deployed stack's bus; a signal during that cleanup is noted, not fatal.

interface TailOptions {
  id?: string[];
  count?: number;
  eventBus?: string;
}

export function tailCommand(): Command {
  return new Command('tail')
    .description('follow status changes live (local stack: its event feed; AWS: the EventBridge bus)')
    .option('--id <ids...>', 'only these messages')
    .option('--count <n>', 'stop after this many events', wholeNumberOption('--count', 1))
    .option('--event-bus <name>', 'AWS: the stack’s event bus (EVENT_BUS_NAME of the status-stream Lambda)')
    .action(async (options: TailOptions, command: Command) => {
      const global = globalOptions(command);
      const controller = new AbortController();
      const removeSignalHandlers = onStopSignals(
        () => controller.abort(),
        (_signal, repeats) => {
          if (options.eventBus && repeats === 1) {
            process.stderr.write("cleaning up the tail's rule and queue…\n");
          }
        },
      );
      try {
        await follow(options, global, controller.signal);
      } finally {
        // Left by --count, the source's own cleanup has run (the tail's rule and queue are gone), but
        // the local feed's connection is open until its request is aborted.
        controller.abort();
        removeSignalHandlers();
      }
    });
}

/** Prints the status changes `options` asks for until `signal` aborts or --count is reached. */
async function follow(options: TailOptions, global: GlobalOptions, signal: AbortSignal): Promise<void> {
  const subscribed = () => process.stderr.write('following status changes (Ctrl-C stops)\n');
  let source: AsyncGenerator<MessageStatusChanged>;
  if (options.eventBus) {
    const region = awsRegionOf(global);
    // Loaded only here: the EventBridge and SQS clients added about 0.3 s to every command's start.
    const { eventBridgeEvents } = await import('../tail/eventbridge-events.ts');
    source = eventBridgeEvents(
      {
        eventBus: options.eventBus,
        ...(region ? { region } : {}),
        ...(global.profile ? { profile: global.profile } : {}),
      },
      signal,
      subscribed,
    );
  } else if (isLocal(global)) {
    source = localEvents(global.endpoint, signal, subscribed);
  } else {
    throw new UsageError('a deployed stack’s status events come from EventBridge: give --event-bus <name>');
  }
  const wanted = options.id ? new Set(options.id) : undefined;
  let seen = 0;
  for await (const event of source) {
    if (wanted && !wanted.has(event.id)) continue;
    process.stdout.write(global.json ? `${JSON.stringify(event)}\n` : `${eventLine(event)}\n`);
    seen += 1;
    // Leaving the loop, not only aborting: the events of one chunk (the local feed writes a
    // status-stream batch at once, a receive brings up to 10) are yielded one after another
    // without a look at the signal, and would all be printed.
    if (options.count !== undefined && seen >= options.count) break;
  }
}

export function eventLine(event: MessageStatusChanged): string {
  const parts = [
    event.at,
    event.id,
    `${event.previousStatus} → ${event.status}`,
    maskRecipient(event.to),
    ...(event.clientRef ? [`ref=${event.clientRef}`] : []),
    ...(event.batchId ? [`batch=${event.batchId}`] : []),
    ...(event.error ? [`error=${event.error.code} ${event.error.name}`] : []),
    ...(event.cost !== null ? [`cost=${event.cost}`] : []),
  ];
  return parts.join('  ');
}
