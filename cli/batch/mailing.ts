import { createHash } from 'node:crypto';
import type { RowDefaults } from './csv-rows.ts';

// What one mailing is: the CSV's bytes, the API it is sent to, and the options that fill the rows
// without their own. The same file sent to another stack, or with another --text, is another mailing:
// its rows get other Idempotency-Keys, and a journal of the first is not a record of it.

export interface Mailing {
  /** sha256 of the CSV's bytes. */
  file: string;
  /** The API's base URL, without a trailing slash. */
  endpoint: string;
  /** --text, --from, --account, --priority as they shape the requests (the lane defaults to bulk). */
  options: RowOptions;
}

/** Fixed key order, so that the same options always hash alike. */
export interface RowOptions {
  text?: string;
  from?: string;
  account?: string;
  priority: NonNullable<RowDefaults['priority']>;
}

export function mailingOf(file: string, endpoint: string, defaults: RowDefaults): Mailing {
  return {
    file,
    endpoint: endpoint.replace(/\/+$/, ''),
    options: {
      ...(defaults.text !== undefined ? { text: defaults.text } : {}),
      ...(defaults.from !== undefined ? { from: defaults.from } : {}),
      ...(defaults.account !== undefined ? { account: defaults.account } : {}),
      // No --priority sends on the bulk lane, as --priority bulk does: the same requests.
      priority: defaults.priority ?? 'bulk',
    },
  };
}

/** The mailing's identity, from which its rows' Idempotency-Keys come (csv-rows.ts rowKey). */
export function mailingKey(mailing: Mailing): string {
  const { file, endpoint, options } = mailing;
  const canonical = JSON.stringify([
    file,
    endpoint,
    options.text ?? null,
    options.from ?? null,
    options.account ?? null,
    options.priority,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** How `recorded` differs from `current` in endpoint and options, one phrase per difference. */
export function differences(recorded: Mailing, current: Mailing): string[] {
  const found: string[] = [];
  if (recorded.endpoint !== current.endpoint) {
    found.push(`the endpoint ${recorded.endpoint}, not ${current.endpoint}`);
  }
  for (const option of ['text', 'from', 'account', 'priority'] as const) {
    const before = recorded.options[option];
    const now = current.options[option];
    if (before !== now) found.push(`--${option} ${shown(before)}, not ${shown(now)}`);
  }
  return found;
}

function shown(value: string | undefined): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
