import { z } from 'zod';
import { InvalidSystemTypeError, parseSystemType, type SystemTypeFlags } from './system-type.ts';

/**
 * system_type as given (sent verbatim in the bind) with its flags, for every reader of it (the
 * SMPP_SYSTEM_TYPE variable, an SMPP_ACCOUNTS entry); an unknown flag or a bad MCONn is refused.
 */
export const systemTypeSchema = z
  .string()
  .default('')
  .transform((value, ctx): { value: string; flags: SystemTypeFlags } => {
    try {
      return { value, flags: parseSystemType(value) };
    } catch (error) {
      if (!(error instanceof InvalidSystemTypeError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });
