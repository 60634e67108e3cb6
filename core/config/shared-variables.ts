import { z } from 'zod';
import { DEFAULT_MAX_PARTS, MAX_PARTS_LIMIT } from '#core/domain/encoding/encode.ts';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import {
  InvalidSystemTypeError,
  parseSystemType,
  type SystemTypeFlags,
} from '#core/domain/provider/system-type.ts';
import { VAR } from './variables.ts';

// Schemas of variables more than one component reads, so they read them alike.

/** The bind's system_type as given, and its flags; an unknown flag or a bad MCONn is refused. */
export const systemTypeVariable = z
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

/**
 * The API plans encodings and parts exactly as the bind-service will send them (its 202 answer
 * promises them), so both read these two variables through the same schema.
 */
export const preparationVariables = {
  [VAR.SMPP_SYSTEM_TYPE]: systemTypeVariable,
  [VAR.MAX_PARTS]: z.coerce.number().int().min(1).max(MAX_PARTS_LIMIT).default(DEFAULT_MAX_PARTS),
};

export function prepareOptionsOf(vars: {
  SMPP_SYSTEM_TYPE: { flags: SystemTypeFlags };
  MAX_PARTS: number;
}): PrepareOptions {
  return { isoMode: vars.SMPP_SYSTEM_TYPE.flags.iso, maxParts: vars.MAX_PARTS };
}

/** An endpoint override: local mode only (DynamoDB Local, fauxqs); in AWS the SDK finds the regional one. */
export const endpointUrl = z.url().optional();
