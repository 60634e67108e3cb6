import { describe, expect, it } from 'vitest';
import { readCsv, rowKey } from '#cli/batch/csv-rows.ts';
import { UsageError } from '#cli/context.ts';

describe('reading a mailing CSV', () => {
  it('when headers name send fields in any spelling, then each row becomes a bulk send', () => {
    // Prepare
    const csv = Buffer.from(
      '\uFEFFTo,Text,client_ref,Validity-Minutes\n+79991234567,Hello,r-1,60\n+79991234568,Bye,,\n',
    );
    // Act
    const { rows } = readCsv(csv, {});
    // Assess
    expect(rows).toEqual([
      {
        row: 1,
        message: {
          priority: 'bulk',
          to: '+79991234567',
          text: 'Hello',
          clientRef: 'r-1',
          validityMinutes: 60,
        },
      },
      { row: 2, message: { priority: 'bulk', to: '+79991234568', text: 'Bye' } },
    ]);
  });

  it('when the CSV names account and udh columns, then they go with each row; --account fills the rest', () => {
    // Prepare
    const csv = Buffer.from(
      'to,text,encoding,udh,account\n+79991234567,48656C6C6F,binary,050003CC0201,marketing\n+79991234568,Hi,,,\n',
    );
    // Act
    const { rows } = readCsv(csv, { account: 'alerts' });
    // Assess: before, 'CSV column "udh" is not a send field' (and "account" too).
    expect(rows.map((row) => row.message)).toEqual([
      {
        priority: 'bulk',
        account: 'marketing',
        to: '+79991234567',
        text: '48656C6C6F',
        encoding: 'binary',
        udh: '050003CC0201',
      },
      { priority: 'bulk', account: 'alerts', to: '+79991234568', text: 'Hi' },
    ]);
  });

  it('when the CSV has no text column, then --text fills every row', () => {
    // Prepare
    const csv = Buffer.from('to\n+79991234567\n');
    // Act
    const { rows } = readCsv(csv, { text: 'Shared', from: 'Shop', priority: 'urgent' });
    // Assess
    expect(rows[0]?.message).toEqual({
      priority: 'urgent',
      text: 'Shared',
      from: 'Shop',
      to: '+79991234567',
    });
  });

  it('when a column names no send field, then nothing is read and the error lists the known ones', () => {
    // Prepare
    const csv = Buffer.from('to,text,colour\n+79991234567,Hi,red\n');
    // Act
    const read = () => readCsv(csv, {});
    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow(/CSV column "colour" is not a send field; known: to, text/);
  });

  it('when there is neither a text column nor --text, then the run is refused', () => {
    expect(() => readCsv(Buffer.from('to\n+79991234567\n'), {})).toThrow(/no "text" column/);
  });

  it('when the same file is read twice, then its rows get the same keys; another file gets others', () => {
    // Prepare
    const a = Buffer.from('to,text\n+79991234567,Hi\n');
    const b = Buffer.from('to,text\n+79991234567,Hi!\n');
    // Act
    const keys = [readCsv(a, {}), readCsv(a, {}), readCsv(b, {})].map((file) => rowKey(file.fingerprint, 1));
    // Assess
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).not.toBe(keys[2]);
    expect(keys[0]).toMatch(/^csv:[0-9a-f]{32}:1$/);
  });
});
