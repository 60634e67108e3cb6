import type { DeliverSm } from '#bind-service/smpp/index.ts';

/**
 * A DELIVER_SM as the engine hands it to dispatch: an incoming SMS from a mobile to the sender name
 * `Shop`, empty unless the test gives its bytes; `overrides` make it a receipt, a part, another coding.
 */
export function deliverSm(overrides: Partial<DeliverSm> = {}): DeliverSm {
  return {
    sequenceNumber: 1,
    esmClass: 0,
    dataCoding: 0,
    registeredDelivery: 0,
    source: { addr: '79990001122', ton: 1, npi: 1 },
    destination: { addr: 'Shop', ton: 5, npi: 0 },
    shortMessage: Buffer.alloc(0),
    providerTlvs: {},
    isReceipt: false,
    ...overrides,
  };
}
