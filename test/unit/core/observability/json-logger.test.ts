import { describe, expect, it } from 'vitest';
import { createLogger } from '#core/observability/json-logger.ts';
import { scrub } from '#core/observability/redaction.ts';
import { captureLogs } from '#test/helpers/logs.ts';

// The one log format (core/observability/json-logger.ts on Powertools Logger) and its redaction rules.

const PHONE = '+79991234567';
const MASKED = '+7999*****67';

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
});
