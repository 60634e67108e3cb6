import type { SubmitFields } from '#bind-service/smpp/index.ts';

/** Part `index` of a long message (UDHI set): its one byte of text is its index, so a bind can tell parts apart. */
export function longMessagePart(index: number): SubmitFields {
  return {
    source_addr: 'Shop',
    source_addr_ton: 5,
    source_addr_npi: 0,
    destination_addr: '79990000001',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    esm_class: 0x40,
    data_coding: 0,
    short_message: Buffer.from([index]),
    registered_delivery: 1,
  };
}
