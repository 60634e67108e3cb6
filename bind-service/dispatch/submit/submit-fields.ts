// The SUBMIT_SM fields of each part of a prepared message: encoded exactly as the API planned it,
// with the provider's addressing, a receipt asked for, and the whole validity as a relative SMPP
// time. The submit pipeline replaces that with what is left of it as each SUBMIT_SM is written.

import {
  addressFor,
  destinationAddress,
  InvalidAddressError,
  PROVIDER_SOURCE_RULES,
  type SmppAddress,
  type SourceAddressRules,
  type SubmitFields,
} from '#bind-service/smpp/index.ts';
import { encodeBinary, encodeMessage } from '#core/domain/encoding/index.ts';
import type { PreparedMessage } from '#core/domain/messages/prepare-message.ts';
import { SMPP_ADDRESS_MAX_CHARS } from '#core/domain/provider/smpp-limits.ts';
import { senderSent } from '#core/domain/requests/sender-id.ts';
import { relativeValidity } from './validity.ts';

/** SMPP 3.4 registered_delivery: SMSC delivery receipt requested (success and failure). */
const RECEIPT_REQUESTED = 1;

/** E-mail recipients travel as an alphanumeric address; everything else as an E.164 number. */
function recipientAddress(prepared: PreparedMessage): SmppAddress {
  return prepared.kind === 'mail' ? { addr: prepared.to, ton: 5, npi: 0 } : destinationAddress(prepared.to);
}

/** One SubmitFields per part, in order; all of them go out back-to-back on one bind. */
export function submitFieldsFor(
  prepared: PreparedMessage,
  defaultSender = '',
  sourceRules: SourceAddressRules = PROVIDER_SOURCE_RULES,
): SubmitFields[] {
  const encoded = prepared.binary
    ? encodeBinary(prepared.binary, prepared.encodeOptions.maxParts ?? prepared.parts)
    : encodeMessage(prepared.body, prepared.encodeOptions);
  const source = addressFor(senderSent(prepared.kind, prepared.from, defaultSender), sourceRules);
  const destination = recipientAddress(prepared);
  // Never a field longer than SMPP 3.4 allows on the wire (the request rules should have caught it).
  for (const [field, address] of [
    ['source', source],
    ['destination', destination],
  ] as const) {
    if (address.addr.length > SMPP_ADDRESS_MAX_CHARS) {
      throw new InvalidAddressError(
        `${field} address has ${address.addr.length} characters, more than SMPP 3.4's ${SMPP_ADDRESS_MAX_CHARS}`,
        [field],
      );
    }
  }
  const validity = relativeValidity(prepared.validityMinutes);
  return encoded.parts.map((part) => ({
    source_addr: source.addr,
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    destination_addr: destination.addr,
    dest_addr_ton: destination.ton,
    dest_addr_npi: destination.npi,
    esm_class: encoded.esmClass,
    // Flash is the message class inside data_coding; encodeMessage already set it.
    data_coding: encoded.dataCoding,
    short_message: part,
    registered_delivery: RECEIPT_REQUESTED,
    validity_period: validity,
  }));
}
