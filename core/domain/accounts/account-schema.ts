import { z } from 'zod';
import {
  SMPP_LOGIN_TEXT,
  SMPP_LOGIN_TEXT_RULE,
  SMPP_SYSTEM_ID_MAX_CHARS,
} from '#core/domain/provider/smpp-limits.ts';
import { isSmscHost, SMSC_HOST_RULE } from '#core/domain/provider/smsc-host.ts';
import { MAX_MCON_SESSIONS } from '#core/domain/provider/system-type.ts';
import { systemTypeSchema } from '#core/domain/provider/system-type-schema.ts';
import {
  EMAIL_SENDER_RULE,
  isValidEmailSender,
  isValidSenderId,
  SENDER_ID_RULE,
} from '#core/domain/requests/sender-id.ts';

// The shape of one entry of the SMPP_ACCOUNTS file. The fields of the issue's interface keep their
// names (`name`, `systemId`, `password` | `secretArn`, `host`, `port`, `backupHost`, `systemType`,
// `tls`, `throughput`, `window`, `binds`); `senders`, `prefixes` and `principals` are this project's
// routing and permission rules. Unknown fields are refused: a typo ("bind") must not be ignored.

/** Letters, digits, ".", "_" and "-", starting with a letter or digit: safe in logs, metrics, URLs. */
export const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ACCOUNT_NAME_RULE =
  'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

const text = z.string().trim().min(1);
const whole = z.number().int('must be a whole number');
/** The SMSC host alone; its port is the entry's "port" (core/domain/provider/smsc-host.ts says why). */
const host = text.refine(isSmscHost, `${SMSC_HOST_RULE}; give the port in "port"`);
/** A destination prefix: "+" and 1-15 digits, compared with E.164 recipients. */
const PREFIX = /^\+[0-9]{1,15}$/;
/** An IAM role or user ARN (a role's path is allowed; API Gateway reports the role by name). */
const PRINCIPAL = /^arn:[a-z-]+:iam::[0-9]{12}:(role|user)\/[\w+=,.@/-]+$/;

const tlsSchema = z.union([
  z.boolean(),
  z.strictObject({
    ca: text.optional(),
    cert: text.optional(),
    key: text.optional(),
    secretArn: text.optional(),
    servername: text.optional(),
  }),
]);

export const accountEntrySchema = z
  .strictObject({
    name: z
      .string()
      .regex(ACCOUNT_NAME, ACCOUNT_NAME_RULE)
      // Names key plain objects (queue pairs, metrics): "constructor" would find the object's own.
      .refine(
        (name) => !(name in Object.prototype),
        'is reserved (every JavaScript object has a member so named)',
      ),
    systemId: text
      .max(SMPP_SYSTEM_ID_MAX_CHARS, 'must be at most 15 characters (SMPP system_id)')
      .regex(SMPP_LOGIN_TEXT, SMPP_LOGIN_TEXT_RULE),
    password: z.string().min(1).regex(SMPP_LOGIN_TEXT, SMPP_LOGIN_TEXT_RULE).optional(),
    secretArn: z
      .string()
      .regex(/^arn:[a-z-]+:secretsmanager:/, 'must be a Secrets Manager secret ARN')
      .optional(),
    host,
    port: whole.min(1, 'must be from 1 to 65535').max(65_535, 'must be from 1 to 65535'),
    backupHost: host.optional(),
    systemType: systemTypeSchema,
    tls: tlsSchema.default(false),
    throughput: z.number().positive().max(100_000).default(30),
    window: whole.min(1, 'must be at least 1').max(100_000, 'must be at most 100000').default(300),
    binds: whole
      .min(1, 'must be at least 1')
      .max(MAX_MCON_SESSIONS, `must be at most ${MAX_MCON_SESSIONS} (MCON9)`)
      .default(1),
    senders: z
      .array(
        z.string().refine((value) => isValidSenderId(value) || isValidEmailSender(value), {
          error: `${SENDER_ID_RULE}; or ${EMAIL_SENDER_RULE}`,
        }),
      )
      .default([]),
    prefixes: z.array(z.string().regex(PREFIX, 'must be "+" and 1-15 digits, e.g. "+7"')).default([]),
    principals: z
      .array(
        z.string().regex(PRINCIPAL, 'must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)'),
      )
      .min(1, 'must name at least one principal (leave it out to allow any caller)')
      .optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.password === undefined) === (entry.secretArn === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'give exactly one of "password" (local mode) and "secretArn"',
      });
    }
    const mcon = entry.systemType.flags.mcon ?? 1;
    if (entry.binds > mcon) {
      ctx.addIssue({
        code: 'custom',
        path: ['binds'],
        message: `${entry.binds} binds need systemType to carry MCONn with n >= ${entry.binds}`,
      });
    }
    if (typeof entry.tls === 'object' && (entry.tls.cert === undefined) !== (entry.tls.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: '"cert" and "key" go together' });
    }
    if (typeof entry.tls === 'object' && entry.tls.cert !== undefined && entry.tls.secretArn !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'give either "secretArn" or "cert"/"key", not both',
      });
    }
  });

export type AccountEntry = z.output<typeof accountEntrySchema>;
export type AccountEntryInput = z.input<typeof accountEntrySchema>;

export const accountsFileSchema = z.array(z.unknown()).min(1, 'must list at least one account');
