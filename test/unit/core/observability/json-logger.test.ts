import { describe, expect, it } from 'vitest';
import { createLogger } from '#core/observability/json-logger.ts';
import { scrub } from '#core/observability/redaction.ts';
import { captureLogs } from '#test/helpers/logs.ts';

// The one log format (core/observability/json-logger.ts on Powertools Logger) and its redaction rules.

const PHONE = '+79991234567';
const MASKED = '+7999*****67';
/** Mobiles of small numbering plans: 7 or 8 digits in all (libphonenumber's own examples). */
const SHORT_MOBILES = ['+6907290', '+2908999', '+50051234', '+29051234', '+68271234', '+24740123'];

function hiddenDigits(masked: string): number {
  return [...masked].filter((char) => char === '*').length;
}

function collect(level: 'debug' | 'info' | 'warn' = 'info') {
  const { lines, write } = captureLogs();
  return { lines, log: createLogger({ service: 'test', level, write }) };
}

describe('json logger', () => {
  it('when a line is written, then it is one JSON object with level, msg, time, service and the fields', () => {
    // Prepare
    const raw: string[] = [];
    const log = createLogger({ service: 'bind-service', write: (line) => raw.push(line) });
    // Act
    log.child({ component: 'lanes' }).info('received', { lane: 'bulk', count: 3 });
    // Assess
    expect(raw).toHaveLength(1);
    expect(raw[0]).not.toContain('\n');
    expect(JSON.parse(raw[0] ?? '')).toEqual({
      level: 'info',
      msg: 'received',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'bind-service',
      component: 'lanes',
      lane: 'bulk',
      count: 3,
    });
    expect(Object.keys(JSON.parse(raw[0] ?? '')).slice(0, 4)).toEqual(['level', 'msg', 'time', 'service']);
  });

  it('when fields carry recipients, text or credentials, then recipients are masked and the rest dropped', () => {
    // Prepare
    const { lines, log } = collect();
    // Act
    log.info('stored', {
      to: PHONE,
      from: 'user@example.com',
      text: 'secret text',
      short_message: 'secret text',
      password: 'pw',
      comment: 'note',
      id: 'm1',
    });
    // Assess
    expect(lines).toEqual([
      expect.objectContaining({ to: MASKED, from: expect.not.stringContaining('user@'), id: 'm1' }),
    ]);
    for (const dropped of ['text', 'short_message', 'password', 'comment']) {
      expect(lines[0]).not.toHaveProperty(dropped);
    }
    expect(JSON.stringify(lines)).not.toMatch(/secret text|"pw"|note/);
  });

  it('when secrets and recipients are nested, then they are dropped and masked at every depth', () => {
    // Prepare
    const { lines, log } = collect();
    // Act
    log.info('nested', {
      config: { smpp: { credentials: { systemId: 'acme', password: 'pw' } } },
      pdu: { source: { addr: '79991234567', ton: 1 }, shortMessage: 'hello' },
    });
    // Assess
    expect(lines[0]).toMatchObject({ config: { smpp: {} }, pdu: { source: { addr: MASKED, ton: 1 } } });
    expect(JSON.stringify(lines)).not.toMatch(/acme|"pw"|hello|79991234567/);
  });

  it('when an error quotes a phone number, then the number is masked in the log', () => {
    // Prepare
    const { lines, log } = collect();
    const error = Object.assign(new Error("destination must be an E.164 number, got '79991234567'"), {
      code: 'E_TO',
    });
    // Act
    log.warn('failed', { error, reason: `no route to ${PHONE}` });
    // Assess
    expect(JSON.stringify(lines)).not.toContain('79991234567');
    expect(lines[0]).toMatchObject({
      error: { name: 'Error', message: expect.stringContaining(MASKED), code: 'E_TO' },
      reason: `no route to ${MASKED}`,
    });
    expect(lines[0]?.error).not.toHaveProperty('stack');
  });

  it('when a field has a name Powertools reserves, then it is kept and the fixed keys stay the logger’s', () => {
    // Prepare
    const { lines, log } = collect();
    // Act
    log.warn('smpp connect failed', { message: 'connect ECONNREFUSED', level: 'info', service: 'other' });
    // Assess
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', service: 'test', message: 'connect ECONNREFUSED' }),
    ]);
  });

  it('when the level is below the threshold, then nothing is written', () => {
    // Prepare
    const { lines, log } = collect('warn');
    // Act
    log.info('quiet');
    log.debug('quieter');
    // Assess
    expect(lines).toEqual([]);
  });

  it('when text has no phone number, then scrub leaves it alone', () => {
    // Act / Assess
    expect(scrub('window 300, rate 30')).toBe('window 300, rate 30');
  });

  it('when a message’s stored error describes its refused recipient, then the description has the number masked', () => {
    // Prepare
    const { lines, log } = collect();
    const description = 'to: +74951234567 is a fixed-line number: this message kind needs a mobile number';
    // Act
    log.info('status event', {
      error: { code: 'not_mobile_number', name: 'Invalid queue message', description },
    });
    // Assess
    expect(lines[0]).toMatchObject({
      error: {
        description: 'to: +7495*****67 is a fixed-line number: this message kind needs a mobile number',
      },
    });
    expect(JSON.stringify(lines)).not.toContain('74951234567');
  });

  it.each(SHORT_MOBILES)(
    'when the short mobile %s is logged as a recipient and quoted by a reason, then at least 3 of its digits are hidden in both',
    (to) => {
      // Prepare
      const { lines, log } = collect();
      // Act
      log.info('request', { to, reason: `no route to ${to}` });
      // Assess
      expect(hiddenDigits(String(lines[0]?.to))).toBeGreaterThanOrEqual(3);
      expect(hiddenDigits(String(lines[0]?.reason))).toBeGreaterThanOrEqual(3);
    },
  );
});

describe('scrub', () => {
  it.each([
    ['"+7 999 123 45 6" is not a valid phone number', '"+7999****56" is not a valid phone number'],
    ['"+7 (999) 123-45-67" refused', '"+7999*****67" refused'],
    ['"+7 999 123\u201145\u201367" refused', '"+7999*****67" refused'],
    ['"+7\u00a0999\u202f123.45.67" refused', '"+7999*****67" refused'],
    // The separators the API now reads: a word processor's minus sign, a zero-width space
    ['"+7\u2212999\u2212123\u221245\u221267" refused', '"+7999*****67" refused'],
    ['"+7999\u200b1234567" refused', '"+7999*****67" refused'],
    ['"+44 (0)20 7946 0958" refused', '"+4402*******58" refused'],
    ['"8 (999) 123-45-67" is not a valid phone number', '"+8999*****67" is not a valid phone number'],
    ['call 202-555-0123 or 202.555.0123.', 'call +2025****23 or +2025****23.'],
    ['got 2025-01-01 79991234567', 'got 2025-01-01 +7999*****67'],
    ['no route to 6907290', 'no route to +6907***'],
  ])(
    'when text quotes a number written with separators (%s), then it is masked as a recipient is',
    (text, expected) => {
      // Act
      const scrubbed = scrub(text);
      // Assess
      expect(scrubbed).toBe(expected);
    },
  );

  it.each([
    [
      'a key',
      'item IN#PARTS#%2B79990001122#%2B79990007000#20#3',
      'item IN#PARTS#+7999*****22#+7999*****00#20#3',
    ],
    ['a query string', '/v1/messages?to=%2b79991234567&limit=5', '/v1/messages?to=+7999*****67&limit=5'],
  ])(
    'when %s quotes a number with its "+" URL-escaped (%%2B), then the number is masked as a recipient is',
    (_where, text, expected) => {
      // Act
      const scrubbed = scrub(text);
      // Assess: the escape's "B" no longer glues the number to it, nor is its "2" taken as a digit.
      expect(scrubbed).toBe(expected);
    },
  );

  it.each([
    ['an ISO time', 'accepted at 2025-01-01T00:00:00.000Z, updated 2025-12-31T23:59:59Z'],
    ['dates and times', 'expires 2025-01-31 12:00:00 (31.01.2025), 1999/12/31 23:59'],
    ['a ULID and a batch id', 'message 01JZ0000000000000000000042 of batch b_01JZ00000000000000000000AA'],
    ['a UUID', 'request 123e4567-e89b-12d3-a456-426614174000 failed'],
    ['a long numeric id', 'SMSC id 1234567890123456789012 unknown'],
    ['durations', 'took 1234567 ms, then 1500 ms; lag +12345.678 s'],
    ['versions', 'node v20.11.1, smpp 0.6.0-rc.3, schema 2025.01.15'],
    [
      'an IPv4 address and a host name',
      'connect ECONNREFUSED 192.168.100.200:2775 (ip-10-0-12-34.eu-west-1)',
    ],
    ['counts', 'window 300, rate 30, 1,234,567 sent'],
  ])('when text holds %s, then scrub leaves it as it is', (_what, text) => {
    // Act
    const scrubbed = scrub(text);
    // Assess
    expect(scrubbed).toBe(text);
  });
});
