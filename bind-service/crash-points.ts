// Named points where the bind-service can be made to die on purpose (SIGKILL to itself: no stop
// handler, no flush), so the fault suite can prove that a crash at each step between taking a
// message and forgetting it loses nothing and sends nothing twice. Armed only by FAULT_CRASH_AT;
// unset (always, outside the fault suite) every point is a no-op comparison.
import { VAR } from '#core/config/variables.ts';
import { ConfigError } from '#core/domain/errors.ts';

export const CRASH_POINTS = [
  /** The message is claimed (`submitting`); no SUBMIT_SM has been written yet. */
  'after-claim',
  /** A SUBMIT_SM is on the socket; its answer has not been read. */
  'after-submit-written',
  /** The SUBMIT_SM_RESP with the SMSC id is in; `submitted` is not written yet. */
  'after-submit-resp',
  /** `submitted` is written; the SQS message is not deleted yet. */
  'after-submitted-write',
  /** A receipt is stored; its DELIVER_SM is not acknowledged yet. */
  'after-receipt-stored',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

let armed: CrashPoint | undefined;

/** Arms one point from the environment's value; an unknown name is refused, never ignored. */
export function armCrashPoint(value: string | undefined): CrashPoint | undefined {
  if (value === undefined || value === '') {
    armed = undefined;
    return undefined;
  }
  const point = CRASH_POINTS.find((name) => name === value);
  if (!point) {
    throw new ConfigError(`${VAR.FAULT_CRASH_AT}: "${value}" is not one of ${CRASH_POINTS.join(', ')}`, [
      VAR.FAULT_CRASH_AT,
    ]);
  }
  armed = point;
  return point;
}

/** Dies here if this is the armed point. */
export function crashPoint(point: CrashPoint): void {
  if (armed !== point) return;
  process.stderr.write(`crash point ${point}: killing the process\n`);
  process.kill(process.pid, 'SIGKILL');
}
