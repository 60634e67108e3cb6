// The SMPP command_status values the engine branches on, from the domain catalogue. The engine's
// own rule for binds is narrower than the catalogue's 'bind-credentials' kind: only a refused
// password or system_id stops the session; ESME_RBINDFAIL and the like are often passing server
// states, so those are retried with back-off (never hammered, thanks to the back-off).
import { CommandStatus, describeCommandStatus } from '#core/domain/provider/command-status.ts';

export const Status = CommandStatus;

export function commandStatusName(code: number): string {
  return describeCommandStatus(code).name;
}

/** Bind answers that retrying cannot fix: hammering a wrong password only risks a lock-out. */
export function isCredentialsFailure(code: number): boolean {
  return code === Status.ESME_RINVPASWD || code === Status.ESME_RINVSYSID;
}
