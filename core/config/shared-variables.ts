import { z } from 'zod';
import { DEFAULT_MAX_PARTS, MAX_PARTS_LIMIT } from '#core/domain/encoding/encode.ts';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import type { AntiLoopSettings } from '#core/domain/provider/anti-loop.ts';
import type { SystemTypeFlags } from '#core/domain/provider/system-type.ts';
import { systemTypeSchema } from '#core/domain/provider/system-type-schema.ts';
import { isValidSenderId, SENDER_ID_RULE } from '#core/domain/requests/sender-id.ts';
import { VAR } from './variables.ts';

// Schemas of variables more than one component reads, so they read them alike.

/** The bind's system_type as given, and its flags; an unknown flag or a bad MCONn is refused. */
export const systemTypeVariable = systemTypeSchema;

/**
 * The longest a timer-backed duration setting may be unless its meaning asks for less: a day. Node's
 * timers wait at most 2^31-1 ms (about 24.8 days) and fire after 1 ms when given more, so an hour
 * written in milliseconds where seconds are asked (3600000) would turn a rare task into a busy loop.
 */
export const MAX_INTERVAL_SECONDS = 86_400;
export const MAX_INTERVAL_MS = MAX_INTERVAL_SECONDS * 1000;

/** The longest SMPP_RESPONSE_TIMEOUT_SECONDS the bind-service takes (the CDK checks it at synth). */
export const MAX_RESPONSE_TIMEOUT_SECONDS = 120;
export { MAX_PARTS_LIMIT };

/**
 * The API plans encodings and parts exactly as the bind-service will send them (its 202 answer
 * promises them), so both read these two variables through the same schema.
 */
export const preparationVariables = {
  [VAR.SMPP_SYSTEM_TYPE]: systemTypeVariable,
  [VAR.MAX_PARTS]: z.coerce.number().int().min(1).max(MAX_PARTS_LIMIT).default(DEFAULT_MAX_PARTS),
};

/**
 * The provider's anti-loop rules are applied by the API to its sends and by the bind-service to
 * messages published straight to SQS: both read the same variables. SMPP_DEFAULT_SENDER among them:
 * the bind-service sends a message without `from` with it, and an identical request is one identical
 * on the wire (the request schema's sender rule, core/domain/requests/sender-id.ts).
 */
export const antiLoopVariables = {
  [VAR.ANTI_LOOP_DUPLICATE_SECONDS]: z.coerce.number().min(0).max(3600).default(60),
  [VAR.ANTI_LOOP_FLOOD_LIMIT]: z.coerce.number().int().min(0).max(100_000).default(50),
  [VAR.ANTI_LOOP_FLOOD_GAP_SECONDS]: z.coerce.number().positive().max(3600).default(30),
  [VAR.SMPP_DEFAULT_SENDER]: z.string().refine(isValidSenderId, SENDER_ID_RULE).optional(),
};

export function antiLoopSettingsOf(vars: {
  ANTI_LOOP_DUPLICATE_SECONDS: number;
  ANTI_LOOP_FLOOD_LIMIT: number;
  ANTI_LOOP_FLOOD_GAP_SECONDS: number;
  SMPP_DEFAULT_SENDER?: string | undefined;
}): AntiLoopSettings {
  return {
    duplicateWindowMs: Math.round(vars.ANTI_LOOP_DUPLICATE_SECONDS * 1000),
    floodLimit: vars.ANTI_LOOP_FLOOD_LIMIT,
    floodGapMs: Math.round(vars.ANTI_LOOP_FLOOD_GAP_SECONDS * 1000),
    ...(vars.SMPP_DEFAULT_SENDER ? { defaultSender: vars.SMPP_DEFAULT_SENDER } : {}),
  };
}

export function prepareOptionsOf(vars: {
  SMPP_SYSTEM_TYPE: { flags: SystemTypeFlags };
  MAX_PARTS: number;
}): PrepareOptions {
  return { isoMode: vars.SMPP_SYSTEM_TYPE.flags.iso, maxParts: vars.MAX_PARTS };
}

/** A yes/no setting: true/1/yes or false/0/no. */
export const flag = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });

/** An endpoint override: local mode only (DynamoDB Local, fauxqs); in AWS the SDK finds the regional one. */
export const endpointUrl = z.url().optional();

/**
 * The endpoint overrides that are set, by client (`{ dynamodb: vars.AWS_ENDPOINT_URL_DYNAMODB, … }`);
 * an unset or empty one is left out, so the SDK uses the regional endpoint.
 */
export function endpointsOf<C extends string>(
  urls: Record<C, string | undefined>,
): Partial<Record<C, string>> {
  return Object.fromEntries(Object.entries(urls).filter(([, url]) => url)) as Partial<Record<C, string>>;
}
