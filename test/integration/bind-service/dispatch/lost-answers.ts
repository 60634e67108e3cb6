import { boundClient } from '#test/helpers/smpp/simulator-client.ts';
import type { Rig } from './fixtures.ts';

// A message the SMSC has but whose SUBMIT_SM_RESP the bind-service never saw: the reconciler's
// material. It goes to the simulator through a login the service does not hold.

/** Another login at the same SMSC, through which the tests put messages there without a receipt. */
export const ELSEWHERE = { systemId: 'elsewhere', password: 'test-only-elsewhere' } as const;

/** A message the SMSC has and will send no receipt for; its SMSC id. */
export async function messageAtSmsc(rig: Rig, to: string): Promise<string> {
  const client = await boundClient(rig.simulator.port, ELSEWHERE);
  try {
    const answer = await client.submit({
      destination_addr: to.replace(/^\+/, ''),
      short_message: Buffer.from(`Lost answer to ${to}`),
      registered_delivery: 0,
    });
    return answer.message_id ?? '';
  } finally {
    await client.close();
  }
}
