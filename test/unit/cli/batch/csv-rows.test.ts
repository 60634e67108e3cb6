import { describe, expect, it } from 'vitest';
import { readCsv, rowKey } from '#cli/batch/csv-rows.ts';
import { takesText } from '#cli/batch/row-kinds.ts';
import { UsageError } from '#cli/context.ts';
import { MESSAGE_KINDS } from '#core/domain/messages/message-kinds.ts';
import { recipientsBatchSchema } from '#core/domain/requests/batch-schema.ts';

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

  it('when Excel saved the file as "CSV UTF-8" with ";" between columns (a Russian or European Windows), then it is read as with ","', () => {
    // Prepare: BOM, ";" and CR LF, a text holding a comma. Before, `CSV column "to;text;client_ref"
    // is not a send field`.
    const csv = Buffer.from('\uFEFFto;text;client_ref\r\n+79991234567;Привет, мир;r-1\r\n', 'utf8');
    // Act
    const { rows } = readCsv(csv, {});
    // Assess
    expect(rows).toEqual([
      { row: 1, message: { priority: 'bulk', to: '+79991234567', text: 'Привет, мир', clientRef: 'r-1' } },
    ]);
  });

  it('when the columns are separated by tabs, then the file is read as with ","', () => {
    // Prepare
    const csv = Buffer.from('to\ttext\n+79991234567\tHello; world\n');
    // Act
    const { rows } = readCsv(csv, {});
    // Assess
    expect(rows).toEqual([
      { row: 1, message: { priority: 'bulk', to: '+79991234567', text: 'Hello; world' } },
    ]);
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

  it('when the header has two "to" columns, then the file is refused rather than one number silently dropped', () => {
    // Prepare: an export with a "to" column and a second "To" (e.g. a fallback number)
    const bytes = Buffer.from('to,text,To\n+79997600001,Hello,+79997600002\n');
    // Act
    const read = () => readCsv(bytes, {});
    // Assess
    expect(read).toThrow(/column/i);
    expect(read).toThrow('CSV columns "to" and "To" both name the field to');
  });

  it('when "client_ref" and "clientRef" both appear, then the file is refused rather than one silently winning', () => {
    // Prepare
    const bytes = Buffer.from('to,text,client_ref,clientRef\n+79997600001,Hello,order-1,crm-77\n');
    // Act
    const read = () => readCsv(bytes, {});
    // Assess
    expect(read).toThrow(/column/i);
    expect(read).toThrow(UsageError);
  });

  it('when the CSV is Windows-1251 (Excel\'s plain "CSV" on a Russian Windows), then it is refused naming the line and byte, and how to save it', () => {
    // Prepare: "Привет" in Windows-1251 at byte 22 (line 1 with its CR LF is 9 bytes) of line 2
    const privet = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    const bytes = Buffer.concat([Buffer.from('to,text\r\n+79997800001,'), privet, Buffer.from('\r\n')]);
    // Act
    const read = () => readCsv(bytes, {});
    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow(/line 2 \(byte 22\) cannot be read as UTF-8.*"CSV UTF-8"/s);
  });

  it('when a UTF-8 file with a BOM holds U+FFFD as text before a byte that is not UTF-8, then the byte is the one named', () => {
    // Prepare
    const bytes = Buffer.concat([Buffer.from('\uFEFFto,text\n+79997800001,\uFFFD '), Buffer.from([0xe9])]);
    // Act
    const read = () => readCsv(bytes, {});
    // Assess: 3 (BOM) + 8 + 13 + 4 ("\uFFFD ")
    expect(read).toThrow(/line 2 \(byte 28\)/);
  });

  it('when the CSV is UTF-16 with its BOM (Excel\'s "Unicode text"), then it is read', () => {
    // Prepare
    const text = 'to,text\n+79997800001,Привет\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    // Act
    const read = [le, be].map((bytes) => readCsv(bytes, {}).rows);
    // Assess
    const rows = [{ row: 1, message: { priority: 'bulk', to: '+79997800001', text: 'Привет' } }];
    expect(read).toEqual([rows, rows]);
  });

  it('when there is neither a text column nor --text, then the run is refused', () => {
    expect(() => readCsv(Buffer.from('to\n+79991234567\n'), {})).toThrow(/no "text" column/);
  });

  it('when a CSV of numbers to look up has kinds hlr and ping and no text column, then each row is read without a text', () => {
    // Prepare: the API takes these kinds without a text (the provider sends the bare markers
    // __HLR__ and __PING__). Before, "the CSV has no "text" column: give one, or --text for every row".
    expect(recipientsBatchSchema.safeParse({ to: ['+79991234567'], kind: 'hlr' }).success).toBe(true);
    const csv = Buffer.from('to,kind\n+79991234567,hlr\n+79991234568,ping\n');
    // Act
    const { rows } = readCsv(csv, {});
    // Assess
    expect(rows).toEqual([
      { row: 1, message: { priority: 'bulk', to: '+79991234567', kind: 'hlr' } },
      { row: 2, message: { priority: 'bulk', to: '+79991234568', kind: 'ping' } },
    ]);
  });

  it('when sms rows with their text and hlr rows without one share a CSV, then only the sms rows have a text', () => {
    // Prepare
    const csv = Buffer.from('to,kind,text\n+79991234567,sms,Hello\n+79991234568,hlr,\n+79991234569,,Bye\n');
    // Act
    const { rows } = readCsv(csv, {});
    // Assess
    expect(rows.map((row) => row.message)).toEqual([
      { priority: 'bulk', to: '+79991234567', kind: 'sms', text: 'Hello' },
      { priority: 'bulk', to: '+79991234568', kind: 'hlr' },
      { priority: 'bulk', to: '+79991234569', text: 'Bye' },
    ]);
  });

  it('when --text is given for a CSV mixing sms and hlr rows, then it fills the sms rows and no hlr or ping row', () => {
    // Prepare: before, every row got the text, and the API refused the hlr and ping rows ("A hlr
    // message carries no text").
    const csv = Buffer.from(
      'to,kind\n+79991234567,\n+79991234568,hlr\n+79991234569,ping\n+79991234560,flash\n',
    );
    // Act
    const { rows } = readCsv(csv, { text: 'Shared' });
    // Assess
    expect(rows.map((row) => row.message)).toEqual([
      { priority: 'bulk', to: '+79991234567', text: 'Shared' },
      { priority: 'bulk', to: '+79991234568', kind: 'hlr' },
      { priority: 'bulk', to: '+79991234569', kind: 'ping' },
      { priority: 'bulk', to: '+79991234560', kind: 'flash', text: 'Shared' },
    ]);
  });

  it('when an sms row is among hlr rows and there is neither a text column nor --text, then the run is refused naming that row', () => {
    // Prepare
    const csv = Buffer.from('to,kind\n+79991234567,hlr\n+79991234568,sms\n+79991234569,\n');
    // Act
    const read = () => readCsv(csv, {});
    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow(/no "text" column, and row 2 \(kind sms\) needs one.*--text/);
  });

  it('when --from is an SMS sender id and the CSV has mail rows, then it fills the other rows and no mail row', () => {
    // Prepare: before, the mail rows got "Shop" too, and the API refused each of them (a mail's
    // `from` is an e-mail address).
    const csv = Buffer.from(
      'to,kind,text\n+79991234567,,Hi\nann@example.com,mail,Hi\n+79991234568,hlr,\nbob@example.com,mail,Hi\n',
    );
    // Act
    const { rows } = readCsv(csv, { from: 'Shop' });
    // Assess
    expect(rows.map((row) => row.message.from)).toEqual(['Shop', undefined, 'Shop', undefined]);
  });

  it('when --from is an e-mail address, then it fills the mail rows only; a row’s own from wins', () => {
    // Prepare
    const csv = Buffer.from(
      'to,kind,text,from\nann@example.com,mail,Hi,\n+79991234567,,Hi,\nbob@example.com,mail,Hi,b@shop.io\n',
    );
    // Act
    const { rows } = readCsv(csv, { from: 'news@shop.io' });
    // Assess
    expect(rows.map((row) => row.message.from)).toEqual(['news@shop.io', undefined, 'b@shop.io']);
  });

  it('when --from fits none of the rows without their own from, then the run is refused saying which sender each kind takes', () => {
    // Prepare
    const smsOnly = Buffer.from('to,text\n+79991234567,Hi\n');
    const mailOnly = Buffer.from('to,kind,text\nann@example.com,mail,Hi\n');
    // Act
    const emailForSms = () => readCsv(smsOnly, { from: 'news@shop.io' });
    const idForMail = () => readCsv(mailOnly, { from: 'Shop' });
    // Assess
    expect(emailForSms).toThrow(UsageError);
    expect(emailForSms).toThrow(/--from "news@shop.io" is an e-mail address.*only mail rows/);
    expect(idForMail).toThrow(/--from "Shop" is a sender id.*mail rows take an e-mail address/);
  });

  it('when the CLI decides which rows take no text, then it agrees with the API for every kind', () => {
    // Prepare: what the API's schema asks a text of
    const apiTakesNoText = MESSAGE_KINDS.filter((kind) => {
      const parsed = recipientsBatchSchema.safeParse({ to: ['+79991234567'], kind });
      return !parsed.error?.issues.some((issue) => issue.path.includes('text'));
    });
    // Act
    const cliTakesNoText = MESSAGE_KINDS.filter((kind) => !takesText(kind));
    // Assess
    expect(cliTakesNoText).toEqual(apiTakesNoText);
    expect(cliTakesNoText).toEqual(['hlr', 'ping']);
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
