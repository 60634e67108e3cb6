// SMPP 3.4 §4.1.1 gives BIND's password "Var. max 9" octets with its NUL: 8 characters. A longer one
// is sent whole, never refused here (the provider states no maximum of its own, and one that takes
// it would be locked out by a refusal), but a server that cuts it to 8 refuses the login, and the
// operator then hunts a wrong password that is right: the start-up log says so, by length only.

export const SMPP_PASSWORD_MAX_CHARS = 8;

/** The warning for a password of `length` characters, or undefined when SMPP 3.4 allows it. */
export function passwordLengthWarning(length: number, where = ''): string | undefined {
  if (length <= SMPP_PASSWORD_MAX_CHARS) return undefined;
  return (
    `the SMPP password${where} has ${length} characters, more than the ${SMPP_PASSWORD_MAX_CHARS} ` +
    `SMPP 3.4 allows in a bind's password; it is sent whole, but a server that cuts it refuses the ` +
    `login: if the SMSC refuses it, ask the provider whether it takes passwords this long`
  );
}
