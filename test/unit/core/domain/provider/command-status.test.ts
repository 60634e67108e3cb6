import { describe, expect, it } from 'vitest';
import {
  CommandStatus,
  type CommandStatusInfo,
  describeCommandStatus,
} from '#core/domain/provider/command-status.ts';

// Values checked against SMPP 3.4 section 5.1.3 (and SMPP 5.0 for ESME_RINVDCS).
const EXPECTED: readonly [string, number, CommandStatusInfo['kind']][] = [
  ['ESME_ROK', 0x00, 'ok'],
  ['ESME_RINVMSGLEN', 0x01, 'permanent'],
  ['ESME_RINVCMDLEN', 0x02, 'permanent'],
  ['ESME_RINVCMDID', 0x03, 'permanent'],
  ['ESME_RINVBNDSTS', 0x04, 'transient'],
  ['ESME_RALYBND', 0x05, 'permanent'],
  ['ESME_RINVPRTFLG', 0x06, 'permanent'],
  ['ESME_RINVREGDLVFLG', 0x07, 'permanent'],
  ['ESME_RSYSERR', 0x08, 'transient'],
  ['ESME_RINVSRCADR', 0x0a, 'permanent'],
  ['ESME_RINVDSTADR', 0x0b, 'permanent'],
  ['ESME_RINVMSGID', 0x0c, 'permanent'],
  ['ESME_RBINDFAIL', 0x0d, 'bind-credentials'],
  ['ESME_RINVPASWD', 0x0e, 'bind-credentials'],
  ['ESME_RINVSYSID', 0x0f, 'bind-credentials'],
  ['ESME_RMSGQFUL', 0x14, 'transient'],
  ['ESME_RINVSERTYP', 0x15, 'permanent'],
  ['ESME_RINVESMCLASS', 0x43, 'permanent'],
  ['ESME_RSUBMITFAIL', 0x45, 'permanent'],
  ['ESME_RINVSRCTON', 0x48, 'permanent'],
  ['ESME_RINVSRCNPI', 0x49, 'permanent'],
  ['ESME_RINVDSTTON', 0x50, 'permanent'],
  ['ESME_RINVDSTNPI', 0x51, 'permanent'],
  ['ESME_RINVSYSTYP', 0x53, 'bind-credentials'],
  ['ESME_RTHROTTLED', 0x58, 'throttled'],
  ['ESME_RINVSCHED', 0x61, 'permanent'],
  ['ESME_RINVEXPIRY', 0x62, 'permanent'],
  ['ESME_RX_T_APPN', 0x64, 'transient'],
  ['ESME_RX_P_APPN', 0x65, 'permanent'],
  ['ESME_RX_R_APPN', 0x66, 'permanent'],
  ['ESME_RQUERYFAIL', 0x67, 'transient'],
  ['ESME_RINVOPTPARSTREAM', 0xc0, 'permanent'],
  ['ESME_ROPTPARNOTALLWD', 0xc1, 'permanent'],
  ['ESME_RINVPARLEN', 0xc2, 'permanent'],
  ['ESME_RMISSINGOPTPARAM', 0xc3, 'permanent'],
  ['ESME_RINVOPTPARAMVAL', 0xc4, 'permanent'],
  ['ESME_RDELIVERYFAILURE', 0xfe, 'permanent'],
  ['ESME_RUNKNOWNERR', 0xff, 'permanent'],
  ['ESME_RINVDCS', 0x104, 'permanent'],
];

describe('describeCommandStatus', () => {
  it.each(EXPECTED)('when %s is described, then it has value %i and kind %s', (name, status, kind) => {
    // Prepare
    // Act
    const info = describeCommandStatus(status);
    // Assess
    expect(CommandStatus[name as keyof typeof CommandStatus]).toBe(status);
    expect(info.status).toBe(status);
    expect(info.name).toBe(name);
    expect(info.kind).toBe(kind);
    expect(info.description.trim()).not.toBe('');
  });

  it('when the table is listed, then every status the engine handles is covered by the test', () => {
    // Prepare
    // Act
    const names = Object.keys(CommandStatus);
    // Assess
    expect(names.sort()).toEqual(EXPECTED.map(([name]) => name).sort());
  });

  it('when a status is not known, then it is named by its hex value and treated as permanent', () => {
    // Prepare
    // Act
    const info = describeCommandStatus(0x401);
    // Assess
    expect(info).toMatchObject({ status: 0x401, name: 'UNKNOWN_0x00000401', kind: 'permanent' });
    expect(info.description).toContain('0x00000401');
  });

  it('when an unknown status has the top bit set, then its hex name stays unsigned', () => {
    // Prepare
    // Act
    const info = describeCommandStatus(0xfffffffe);
    // Assess
    expect(info.name).toBe('UNKNOWN_0xFFFFFFFE');
  });
});
