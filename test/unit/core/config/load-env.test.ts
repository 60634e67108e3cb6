import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadEnv, variableError } from '#core/config/load-env.ts';
import { VAR, VARIABLES } from '#core/config/variables.ts';
import { ConfigError } from '#core/domain/errors.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

class WidgetConfigError extends ConfigError {}

const SOURCE = { component: 'widget', error: WidgetConfigError };

const schema = z.object({
  [VAR.MESSAGES_TABLE]: z.string().min(1),
  [VAR.SMPP_WINDOW]: z.coerce.number().int().min(1).default(300),
  [VAR.AWS_ENDPOINT_URL_SQS]: z.url().optional(),
});

describe('loadEnv', () => {
  it('when every variable is valid, then the typed values come back with defaults filled in', () => {
    // Act
    const vars = loadEnv(schema, { MESSAGES_TABLE: 'sms-messages', UNRELATED: 'x' }, SOURCE);
    // Assess
    expect(vars).toEqual({ MESSAGES_TABLE: 'sms-messages', SMPP_WINDOW: 300 });
  });

  it('when a variable is an empty string, then it counts as unset', () => {
    // Act
    const vars = loadEnv(schema, { MESSAGES_TABLE: 't', SMPP_WINDOW: '', AWS_ENDPOINT_URL_SQS: '' }, SOURCE);
    // Assess
    expect(vars).toEqual({ MESSAGES_TABLE: 't', SMPP_WINDOW: 300 });
  });

  it.each([' ', '\t', ' \n '])(
    'when a variable holds only blanks (%j), then it counts as unset rather than as the number 0',
    (blank) => {
      // Act
      const vars = loadEnv(
        schema,
        { MESSAGES_TABLE: 't', SMPP_WINDOW: blank, AWS_ENDPOINT_URL_SQS: blank },
        SOURCE,
      );
      // Assess: z.coerce.number() reads Number(' ') as 0; a blank in an .env file is "not given"
      expect(vars).toEqual({ MESSAGES_TABLE: 't', SMPP_WINDOW: 300 });
    },
  );

  it('when a required variable holds only blanks, then it is missing', () => {
    // Act
    const error = errorThrownBy(() => loadEnv(schema, { MESSAGES_TABLE: '  ' }, SOURCE), WidgetConfigError);
    // Assess
    expect(error.message).toBe('Invalid widget configuration: MESSAGES_TABLE: is required');
  });

  it('when several variables are wrong, then ONE error of the component’s class names every one', () => {
    // Act
    const error = errorThrownBy(
      () =>
        loadEnv(schema, { MESSAGES_TABLE: '', SMPP_WINDOW: '0', AWS_ENDPOINT_URL_SQS: 'not a url' }, SOURCE),
      WidgetConfigError,
    );
    // Assess
    expect(error.variables).toEqual(['MESSAGES_TABLE', 'SMPP_WINDOW', 'AWS_ENDPOINT_URL_SQS']);
    expect(error.message).toMatch(
      /^Invalid widget configuration: MESSAGES_TABLE: is required; SMPP_WINDOW: /,
    );
    expect(error.message).toMatch(/AWS_ENDPOINT_URL_SQS: /);
    expect(error.name).toBe('WidgetConfigError');
  });

  it('when a check spans variables, then its error names them all', () => {
    // Act
    const error = variableError(SOURCE, [VAR.SMPP_SYSTEM_ID, VAR.SMPP_SECRET_ARN], 'give exactly one');
    // Assess
    expect(error).toBeInstanceOf(WidgetConfigError);
    expect(error.variables).toEqual(['SMPP_SYSTEM_ID', 'SMPP_SECRET_ARN']);
    expect(error.message).toBe(
      'Invalid widget configuration: SMPP_SYSTEM_ID, SMPP_SECRET_ARN: give exactly one',
    );
  });
});

describe('variable catalogue', () => {
  it('when a variable is named through VAR, then it is its own name and has a one-line meaning', () => {
    // Act
    const entries = Object.entries(VAR);
    // Assess
    expect(entries.length).toBe(Object.keys(VARIABLES).length);
    for (const [key, name] of entries) {
      expect(name).toBe(key);
      expect(VARIABLES[name]).toMatch(/^[^\n]{10,120}$/);
    }
  });
});
