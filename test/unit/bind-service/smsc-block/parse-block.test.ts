import { describe, expect, it } from 'vitest';
import { BlockSyntaxError, parseBlock } from '#bind-service/smsc-block/parse-block.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

describe('parseBlock', () => {
  it('when lines hold comments, blanks, spaces and quoted values, then each key = value is read with its line', () => {
    // Prepare
    const text = [
      '# the provider example',
      'group = smsc',
      '',
      '  host=smpp.smscentre.com  ',
      'system-type = ""',
      'smsc-password = "a \\"quoted\\" p#ss"',
      'Port = 3700\r',
    ].join('\n');
    // Act
    const entries = parseBlock(text);
    // Assess
    expect(entries).toEqual([
      { key: 'group', value: 'smsc', line: 2 },
      { key: 'host', value: 'smpp.smscentre.com', line: 4 },
      { key: 'system-type', value: '', line: 5 },
      { key: 'smsc-password', value: 'a "quoted" p#ss', line: 6 },
      { key: 'port', value: '3700', line: 7 },
    ]);
  });

  it('when a value has a # after text, then it is part of the value (a password may hold one)', () => {
    // Act
    const entries = parseBlock('smsc-password = ab#cd');
    // Assess
    expect(entries[0]?.value).toBe('ab#cd');
  });

  it('when a line has no "=", then the error names the line and does not echo it', () => {
    // Act
    const error = errorThrownBy(() => parseBlock('group = smsc\nfake-secret-value'), BlockSyntaxError);
    // Assess
    expect(error.line).toBe(2);
    expect(error.message).toBe('expected "key = value"');
  });

  it('when a quoted value is not closed, then the error names the line', () => {
    // Act
    const error = errorThrownBy(() => parseBlock('group = smsc\n\nsystem-type = "MCON2'), BlockSyntaxError);
    // Assess
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/no closing quote/);
  });

  it('when a key has characters Kannel keys never have, then it is refused naming the line only', () => {
    // Act
    const error = errorThrownBy(() => parseBlock('group = smsc\nsmsc user = acme'), BlockSyntaxError);
    // Assess
    expect(error.line).toBe(2);
    expect(error.message).toBe('not a "key = value" line: the text before "=" is not a key');
  });

  it('when the "=" after smsc-password is missing and the password holds one, then the error does not quote the password', () => {
    // Act
    const error = errorThrownBy(
      () => parseBlock('group = smsc\nsmsc-password "Qx7pw=9Lk"'),
      BlockSyntaxError,
    );
    // Assess
    expect(error.line).toBe(2);
    expect(error.message.toLowerCase()).not.toContain('qx7pw');
  });
});
