import { DomainError } from '#core/domain/errors.ts';

// Field sizes of SMPP 3.4 (§4.4.1 SUBMIT_SM, §4.1.1 BIND): a C-Octet String's maximum includes its
// terminating NUL, so destination_addr and source_addr ("Var. max 21") hold 20 characters and
// system_type ("Var. max 13") 12. A longer value is not SMPP 3.4: a server may cut it or refuse it.

export const SMPP_ADDRESS_MAX_CHARS = 20;
export const SMPP_SYSTEM_TYPE_MAX_CHARS = 12;
/** BIND's system_id: "Var. max 16". */
export const SMPP_SYSTEM_ID_MAX_CHARS = 15;

/** What the SMSC takes in a bind's system_id and password; the SMPP engine refuses anything else. */
export const SMPP_LOGIN_TEXT = /^[\x20-\x7e]+$/;
export const SMPP_LOGIN_TEXT_RULE = 'must be printable ASCII (the SMSC refuses other characters)';

/**
 * The provider's document says how an e-mail travels (a SUBMIT_SM whose text starts "__MAIL__: ")
 * but gives no other place for the address than destination_addr, so a longer one cannot be sent.
 */
export class RecipientTooLongError extends DomainError {
  readonly code = 'recipient_too_long_for_smpp';

  constructor(length: number, path: readonly (string | number)[] = ['to']) {
    super(
      `The e-mail address has ${length} characters; SMPP 3.4's destination_addr carries at most ` +
        `${SMPP_ADDRESS_MAX_CHARS}, and the provider's SMPP document offers no other place for it`,
      path,
    );
  }
}
