// A valid message of an account whose binds this service does not hold is never sent under another
// account's login: it is given back unsent, with the growing pause of give-back.ts, until a service
// that binds its account takes it or its validity ends (then `expired`, as any message left waiting).
// Until issue 12's bind-service slice holds every account's binds, that is every account but the
// default one.
import type { AccountPolicy } from '#core/domain/accounts/account.ts';
import type { Logger } from '#core/observability/logger.ts';
import { type GiveBackBackoff, giveBackSeconds } from './give-back.ts';
import type { HeldMessage } from './held-messages.ts';
import type { LaneQueue } from './sqs-lane.ts';

export function isOtherAccount(boundAccount: string | undefined, account: AccountPolicy): boolean {
  return boundAccount !== undefined && account.name !== boundAccount;
}

export async function giveBackOtherAccount(
  held: HeldMessage,
  account: AccountPolicy,
  queue: LaneQueue,
  deps: { log: Logger; requeueBackoff?: GiveBackBackoff },
): Promise<void> {
  const visibilitySeconds = giveBackSeconds(held.receiveCount, deps.requeueBackoff);
  deps.log.warn('message of an account this service does not bind; given back unsent', {
    lane: held.lane,
    sqsMessageId: held.sqsMessageId,
    account: account.name,
    visibilitySeconds,
  });
  await queue.changeVisibility(held.receiptHandle, visibilitySeconds).catch(() => undefined);
}
