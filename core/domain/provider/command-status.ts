// SMPP command_status values (SMPP 3.4 section 5.1.3, plus ESME_RINVDCS from SMPP 5.0, which the
// provider also speaks) and what the engine should do about each.
export const CommandStatus = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVESMCLASS: 0x43,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
  /** SMPP 5.0 only. */
  ESME_RINVDCS: 0x104,
} as const;

export type CommandStatusName = keyof typeof CommandStatus;

/**
 * - ok: accepted.
 * - throttled: resend later and lower our own rate.
 * - transient: the PDU was refused for a passing reason; the same PDU may be sent again.
 * - permanent: the same PDU will be refused again; fail the message (or fix the code).
 * - bind-credentials: a bind was refused for its login settings; rebinding unchanged will not help.
 */
export type CommandStatusKind = 'ok' | 'throttled' | 'transient' | 'permanent' | 'bind-credentials';

export interface CommandStatusInfo {
  status: number;
  name: string;
  description: string;
  kind: CommandStatusKind;
}

type Entry = readonly [description: string, kind: CommandStatusKind];

const ENTRIES: Readonly<Record<CommandStatusName, Entry>> = {
  ESME_ROK: ['No error', 'ok'],
  ESME_RINVMSGLEN: ['Message length is invalid', 'permanent'],
  ESME_RINVCMDLEN: ['Command length is invalid', 'permanent'],
  ESME_RINVCMDID: ['Invalid command ID', 'permanent'],
  // The session was not (or no longer) bound when the PDU arrived; the message itself is fine and
  // goes again once the session is bound.
  ESME_RINVBNDSTS: ['Incorrect bind status for given command', 'transient'],
  // Only answers a second bind on a bound session: a client bug, not something to retry.
  ESME_RALYBND: ['ESME already in bound state', 'permanent'],
  ESME_RINVPRTFLG: ['Invalid priority flag', 'permanent'],
  ESME_RINVREGDLVFLG: ['Invalid registered delivery flag', 'permanent'],
  ESME_RSYSERR: ['System error', 'transient'],
  ESME_RINVSRCADR: ['Invalid source address', 'permanent'],
  ESME_RINVDSTADR: ['Invalid destination address', 'permanent'],
  ESME_RINVMSGID: ['Message ID is invalid', 'permanent'],
  ESME_RBINDFAIL: ['Bind failed', 'bind-credentials'],
  ESME_RINVPASWD: ['Invalid password', 'bind-credentials'],
  ESME_RINVSYSID: ['Invalid system ID', 'bind-credentials'],
  ESME_RMSGQFUL: ['Message queue full', 'transient'],
  ESME_RINVSERTYP: ['Invalid service type', 'permanent'],
  ESME_RINVESMCLASS: ['Invalid esm_class field data', 'permanent'],
  // A generic refusal of this submit with no sign that the same PDU would be accepted later.
  ESME_RSUBMITFAIL: ['submit_sm or submit_multi failed', 'permanent'],
  ESME_RINVSRCTON: ['Invalid source address TON', 'permanent'],
  ESME_RINVSRCNPI: ['Invalid source address NPI', 'permanent'],
  ESME_RINVDSTTON: ['Invalid destination address TON', 'permanent'],
  ESME_RINVDSTNPI: ['Invalid destination address NPI', 'permanent'],
  // Answers a bind whose system_type (MCONn, ISO, SINGLE flags) the server refuses: a login setting.
  ESME_RINVSYSTYP: ['Invalid system_type field', 'bind-credentials'],
  ESME_RTHROTTLED: ['Throttling error: the ESME exceeded its allowed message limits', 'throttled'],
  ESME_RINVSCHED: ['Invalid scheduled delivery time', 'permanent'],
  ESME_RINVEXPIRY: ['Invalid message validity period (expiry time)', 'permanent'],
  ESME_RX_T_APPN: ['ESME receiver temporary application error', 'transient'],
  ESME_RX_P_APPN: ['ESME receiver permanent application error', 'permanent'],
  ESME_RX_R_APPN: ['ESME receiver reject message error', 'permanent'],
  // QUERY_SM changes nothing on the server, so asking again later is harmless and may succeed.
  ESME_RQUERYFAIL: ['query_sm request failed', 'transient'],
  ESME_RINVOPTPARSTREAM: ['Error in the optional part of the PDU body', 'permanent'],
  ESME_ROPTPARNOTALLWD: ['Optional parameter not allowed', 'permanent'],
  ESME_RINVPARLEN: ['Invalid parameter length', 'permanent'],
  ESME_RMISSINGOPTPARAM: ['Expected optional parameter missing', 'permanent'],
  ESME_RINVOPTPARAMVAL: ['Invalid optional parameter value', 'permanent'],
  ESME_RDELIVERYFAILURE: ['Delivery failure (used for data_sm_resp)', 'permanent'],
  // Nothing says the cause is passing; resending blindly could repeat a billed refusal.
  ESME_RUNKNOWNERR: ['Unknown error', 'permanent'],
  ESME_RINVDCS: ['Invalid data coding scheme', 'permanent'],
};

const BY_STATUS: ReadonlyMap<number, CommandStatusInfo> = new Map(
  (Object.keys(ENTRIES) as CommandStatusName[]).map((name) => {
    const [description, kind] = ENTRIES[name];
    const status = CommandStatus[name];
    return [status, Object.freeze({ status, name, description, kind })];
  }),
);

export function describeCommandStatus(status: number): CommandStatusInfo {
  const known = BY_STATUS.get(status);
  if (known) return known;
  const hex = `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  return {
    status,
    name: `UNKNOWN_${hex}`,
    description: `Command status ${hex} is not a known SMPP status (0x400-0x4FF are SMSC vendor-specific)`,
    kind: 'permanent',
  };
}
