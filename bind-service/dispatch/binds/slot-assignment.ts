// Which task binds which login slot, computed alike by every task from the same inputs: the
// configured logins (in config order) and the live tasks of the roster (task-roster.ts). Slots are
// numbered over all logins (a0 a1 a2 b0 …) and slot g belongs to the live task of rank g mod n, a
// deterministic spread: tasks never race each other for a slot, consecutive slots of one login land
// on different tasks, and the counts per task differ by at most one. A greedy "take what is free"
// would instead let the first task take everything and keep it, and two tasks starting together
// would contend for the same slots. Views of the roster may differ for a moment between tasks; the
// per-slot lease still lets only one of them hold a slot.

export interface LoginSlots {
  account: string;
  /** The login's sessions in the whole deployment (<= MCON). */
  binds: number;
}

export interface NumberedSlot {
  account: string;
  /** The slot within its login: its lease is slotKey(systemId, index). */
  index: number;
  /** Its number over all logins, in config order. */
  global: number;
}

export function numberSlots(logins: readonly LoginSlots[]): NumberedSlot[] {
  const slots: NumberedSlot[] = [];
  for (const { account, binds } of logins) {
    for (let index = 0; index < binds; index++) slots.push({ account, index, global: slots.length });
  }
  return slots;
}

/** The slot indices of each login that the task of `rank` among `liveTasks` should hold. */
export function assignSlots(
  logins: readonly LoginSlots[],
  liveTasks: number,
  rank: number,
): Map<string, number[]> {
  const assigned = new Map<string, number[]>(logins.map((login) => [login.account, []]));
  if (liveTasks < 1) return assigned;
  for (const slot of numberSlots(logins)) {
    if (slot.global % liveTasks === rank) assigned.get(slot.account)?.push(slot.index);
  }
  return assigned;
}

/** The lowest roster index below `size` that no live task holds. */
export function lowestFreeIndex(taken: readonly number[], size: number): number | undefined {
  for (let index = 0; index < size; index++) if (!taken.includes(index)) return index;
  return undefined;
}
