import type { HeldEntry } from './redrive.ts';

// What `dlq redrive` says of the entries it left on the DLQ: one line each, with what to do.

function why(entry: HeldEntry, dlq: string): string {
  const deleteIt = `delete it from ${dlq}`;
  switch (entry.why) {
    case 'rejected':
      return (
        'rejected before it was sent, and it keeps that id (or its idempotencyKey): the bind-service ' +
        'would take it for a copy of that message and drop it unsent. Once the cause its record names ' +
        `is fixed, \`dlq redrive ${dlq} --as-new\` moves it as a new message`
      );
    case 'wrong-queue':
      return (
        `rejected on arrival: ${entry.detail ?? "it names another account than this queue's"}. A redrive, ` +
        `--as-new too, brings it back to this queue only, to be rejected again: send it again through ` +
        `the API or to its account's queue, then ${deleteIt}`
      );
    case 'id-reused':
      return (
        `${entry.detail?.replace(/\.$/, '') ?? 'its id already names another message, whose record this is'}. A redrive ` +
        `would be refused again: \`dlq redrive ${dlq} --as-new\` moves it under a new id of its own`
      );
    case 'final':
      return entry.status === 'rejected'
        ? `rejected by the SMSC after it was sent: a redrive would drop it or send it twice; ${deleteIt}`
        : `already ${entry.status}: a redrive would drop it or send it twice; ${deleteIt}`;
    case 'in-progress':
      return `still ${entry.status}: the stack goes on with it under its id without this copy; ${deleteIt}`;
    case 'missing':
      return (
        'the API shows no such record: check --endpoint, and that these credentials may read ' +
        'the account it was sent for'
      );
    case 'unreadable':
      return `its record could not be read (${entry.detail ?? 'no answer'}); run the redrive again`;
    case 'moved-as-new':
      return `moved before as message ${entry.newId} (now ${entry.status}); ${deleteIt}`;
  }
}

export function heldText(held: HeldEntry[], dlq: string): string {
  const count = held.length === 1 ? '1 message' : `${held.length} messages`;
  return [
    `${count} left on ${dlq}, not moved, for what their records say:`,
    ...held.map((entry) => `  ${entry.id} (MessageId ${entry.messageId}): ${why(entry, dlq)}`),
  ].join('\n');
}
