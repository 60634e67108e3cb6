import { Command } from 'commander';
import type { BatchView, MessageView, SmscClient } from '#client/index.ts';
import { isFinal } from '#core/domain/messages/message-state.ts';
import type { HlrResult } from '#core/domain/receipts/receipt-types.ts';
import { maskRecipient } from '#core/domain/requests/recipient-mask.ts';
import { scrub } from '#core/observability/redaction.ts';
import { clientFor, ExitStatusError, globalOptions, printJson } from '../context.ts';
import { table as newTable } from '../table.ts';

// `status <id>`: a message's state history as a table (or a batch's counts per status).

export function statusCommand(): Command {
  return new Command('status')
    .description('show a message (state history) or a batch (counts per status)')
    .argument('<id>', 'message id, or batch id (b_…)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const client = clientFor(global);
      if (id.startsWith('b_')) {
        const batch = await client.getBatch(id);
        return global.json ? printJson(batch) : printBatch(batch);
      }
      const message = await client.get(id);
      return global.json ? printJson(message) : printMessage(message);
    });
}

export function printMessage(message: MessageView): void {
  const facts: [string, string][] = [
    ['id', message.id],
    ['to', maskRecipient(message.to)],
    ['kind', message.kind],
    ['status', message.status],
    ['lane', message.priority],
    ['encoding', `${message.encoding}, ${message.parts} part${message.parts === 1 ? '' : 's'}`],
  ];
  if (message.clientRef) facts.push(['client ref', message.clientRef]);
  if (message.batchId) facts.push(['batch', message.batchId]);
  if (message.smscIds.length > 0) facts.push(['SMSC ids', message.smscIds.join(', ')]);
  if (message.cost !== null) facts.push(['cost', message.cost]);
  if (message.mccmnc !== null) facts.push(['mcc/mnc', message.mccmnc]);
  facts.push(...answerFacts(message));
  if (message.error) {
    // The description may quote the recipient as it was written ("+7 495 123-45-67 is a fixed-line
    // number"): its numbers are masked as in the logs, like the `to` row above.
    const { code, name, description } = message.error;
    facts.push(['error', `${code} ${name}: ${scrub(description)}`]);
  }
  const summary = newTable();
  for (const [name, value] of facts) summary.push({ [name]: value });
  const history = newTable({ head: ['status', 'at', 'after'] });
  const start = Date.parse(message.history[0]?.at ?? message.createdAt);
  for (const change of message.history) {
    history.push([change.status, change.at, `+${((Date.parse(change.at) - start) / 1000).toFixed(3)} s`]);
  }
  process.stdout.write(`${summary.toString()}\n${history.toString()}\n`);
}

/**
 * The HLR answer's fields, labelled, in the receipt's order (imsi msc … cn net rcn rnet). Its mcc and
 * mnc are left out: they are the mcc/mnc row already.
 */
const HLR_FACTS = [
  ['imsi', 'IMSI'],
  ['msc', 'MSC'],
  ['countryName', 'country'],
  ['networkName', 'network'],
  ['roamingCountryName', 'roaming country'],
  ['roamingNetworkName', 'roaming network'],
] as const satisfies readonly (readonly [keyof HlrResult, string])[];

/**
 * What the recipient's side answered besides the status: an HLR lookup's only result is its `hlr`
 * fields, and a Viber message's read/clicked flags. Empty ones are left out (the provider writes
 * `rcn: rnet:` for a subscriber at home), as are unset flags, so an SMS prints as before.
 */
function answerFacts(message: MessageView): [string, string][] {
  const facts: [string, string][] = [];
  for (const [field, label] of HLR_FACTS) {
    const value = message.hlr?.[field];
    if (value !== undefined && value.trim() !== '') facts.push([label, value]);
  }
  if (message.read) facts.push(['read', 'yes']);
  if (message.clicked) facts.push(['clicked', 'yes']);
  return facts;
}

function printBatch(batch: BatchView): void {
  const table = newTable({ head: ['status', 'messages'] });
  for (const [status, count] of Object.entries(batch.counts))
    if (count > 0) table.push([status, String(count)]);
  table.push(['total', String(batch.total)]);
  process.stdout.write(`batch ${batch.batchId}\n${table.toString()}\n`);
}

/** `send --wait`'s exit status when the message is not final in time (as timeout(1)'s). */
export const WAIT_TIMED_OUT_EXIT = 124;

/** Polls until the message is final (or `unknown` with nothing left to hope for within the limit). */
export async function waitForFinal(
  client: SmscClient,
  id: string,
  limitSeconds: number,
): Promise<MessageView> {
  const follow = `follow it with \`status ${id}\` or \`tail --id ${id}\``;
  const timedOut = (last: MessageView | undefined) =>
    new ExitStatusError(
      last
        ? `message ${id} is still ${last.status} after ${limitSeconds} s; ${follow}`
        : `message ${id}: no answer from the API about it within ${limitSeconds} s; ${follow}`,
      WAIT_TIMED_OUT_EXIT,
    );
  // The limit bounds each read too: a read of a hung API retries for minutes on its own.
  const limit = AbortSignal.timeout(limitSeconds * 1000);
  let last: MessageView | undefined;
  for (;;) {
    try {
      last = await client.get(id, { signal: limit });
    } catch (error) {
      if (limit.aborted) throw timedOut(last);
      throw error;
    }
    if (isFinal(last.status)) return last;
    if (limit.aborted) throw timedOut(last);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
