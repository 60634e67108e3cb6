// What an ESME's answer to a DELIVER_SM (a receipt or an incoming message) asks of the SMSC.

const ESME_RX_P_APPN = 0x65;

/**
 * Not taken yet: an error answer or a generic_nack is sent again, ESME_RX_P_APPN excepted. That
 * one says the ESME can never take it (its bytes will come back the same), so an SMSC gives up.
 */
export function refusedForNow(response: { command: string; command_status: number }): boolean {
  if (response.command === 'generic_nack') return true;
  return response.command_status !== 0 && response.command_status !== ESME_RX_P_APPN;
}
