import { ACCOUNT, type Rig } from './fixtures.ts';

// A message the SMSC has but whose SUBMIT_SM_RESP the bind-service never saw: the reconciler's
// material. It must be at the SMSC under the login that then asks QUERY_SM (the SMSC keeps messages
// per login), and that login's only session is the service's own: without MCON a second bind would
// end it. So the simulator plants it, with no SUBMIT_SM on the wire and no receipt.

/** A message the SMSC has under `systemId` (default: the rig's login) and sends no receipt for; its SMSC id. */
export function messageAtSmsc(rig: Rig, to: string, systemId: string = ACCOUNT.systemId): string {
  return rig.simulator.plant({ systemId, destination: to.replace(/^\+/, ''), text: `Lost answer to ${to}` });
}
