import { describe, expect, it } from 'vitest';
import { createLogger, redact, scrub } from '#bind-service/logger.ts';

function collect() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ write: (line) => lines.push(JSON.parse(line)), clock: () => new Date(0) });
  return { lines, log };
}

describe('bind-service logger', () => {
  it('when a line is written, then it is one JSON object with level, msg, time and the fields', () => {
    // Prepare
    const { lines, log } = collect();
    // Act
    log.child({ component: 'lanes' }).info('received', { lane: 'bulk', count: 3 });
    // Assess
    expect(lines).toEqual([
      {
        level: 'info',
        msg: 'received',
        time: '1970-01-01T00:00:00.000Z',
        component: 'lanes',
        lane: 'bulk',
        count: 3,
      },
    ]);
  });

  it('when fields carry recipients, text or credentials, then recipients are masked and the rest dropped', () => {
    // Act
    const fields = redact({
      to: '+79991234567',
      from: 'user@example.com',
      text: 'secret text',
      password: 'pw',
      comment: 'note',
      id: 'm1',
    });
    // Assess
    expect(fields).toEqual({ to: '+7999*****67', from: expect.not.stringContaining('user@'), id: 'm1' });
  });

  it('when an error quotes a phone number, then the number is masked in the log', () => {
    // Prepare
    const { lines, log } = collect();
    // Act
    log.warn('failed', { error: new Error("destination must be an E.164 number, got '79991234567'") });
    // Assess
    expect(JSON.stringify(lines)).not.toContain('79991234567');
    expect(lines[0]).toMatchObject({
      error: { name: 'Error', message: expect.stringContaining('+7999*****67') },
    });
  });

  it('when the level is below the threshold, then nothing is written', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (line) => lines.push(line) });
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
