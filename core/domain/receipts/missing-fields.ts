import type { MessageError, ProviderReport } from '#core/domain/messages/message-model.ts';
import type { DeliveryChannel } from '#core/domain/provider/error-codes.ts';
import type { PartOutcome } from '#core/domain/receipts/part-outcomes.ts';
import { deliveryError, type ReceiptFields } from '#core/domain/receipts/receipt-fields.ts';

// A receipt that agrees with the final outcome a message (or, in SINGLE mode, a part) already has
// moves nothing, but it may bring what only a receipt carries. The usual case: the reconciler's
// QUERY_SM answer resolved an `unknown` message with message_state and error_code alone, then the
// provider's own DELIVER_SM came with cost, mccmnc, the HLR answer and the report. Those are "null
// until known" (lambdas/api/README.md), so they are filled where still missing; a value already
// recorded is never replaced, and a receipt that disagrees fills nothing (the writer's job).

/** One attribute to write while it is still absent; `path` is a document path, e.g. ['report', 'parts']. */
export interface MissingField {
  path: readonly string[];
  value: unknown;
}

/** What a message already has of the fields a receipt may fill. */
export interface RecordedFields {
  error?: MessageError;
  cost?: string;
  mccmnc?: string;
  hlr?: Record<string, string>;
  report?: ProviderReport;
}

/**
 * The receipt's fields the message lacks. The report is filled field by field: a QUERY_SM answer
 * with a final_date already wrote `report.doneDate`, and the receipt's parts and type still belong.
 * Without `errorCode` (a part's code is not the message's) no error is filled.
 */
export function missingFields(
  recorded: RecordedFields,
  fields: Omit<ReceiptFields, 'errorCode'> & { errorCode?: number },
  channel: DeliveryChannel,
): MissingField[] {
  const missing: MissingField[] = [];
  const fill = (path: readonly string[], value: unknown) => missing.push({ path, value });
  if (recorded.cost === undefined && fields.cost !== undefined) fill(['cost'], fields.cost);
  if (recorded.mccmnc === undefined && fields.mccmnc !== undefined) fill(['mccmnc'], fields.mccmnc);
  if (recorded.hlr === undefined && fields.hlr !== undefined) fill(['hlr'], fields.hlr);
  if (fields.report !== undefined) {
    if (recorded.report === undefined) fill(['report'], fields.report);
    else {
      for (const [key, value] of Object.entries(fields.report)) {
        if (value !== undefined && !(key in recorded.report)) fill(['report', key], value);
      }
    }
  }
  // An error code the answer did not give (query_sm_resp's is one octet, and often 0).
  if (recorded.error === undefined && fields.errorCode !== undefined && fields.errorCode !== 0) {
    fill(['error'], deliveryError(fields.errorCode, channel));
  }
  return missing;
}

/** What a SINGLE part's own receipt adds to the part recorded without it: its cost, mccmnc, counts. */
export function missingPartFields(known: PartOutcome, receipt: PartOutcome): Partial<PartOutcome> {
  const fields = ['cost', 'mccmnc', 'parts', 'submittedParts', 'deliveredParts'] as const;
  return Object.fromEntries(
    fields
      .filter((field) => known[field] === undefined && receipt[field] !== undefined)
      .map((field) => [field, receipt[field]]),
  );
}

/** The part fields a message's fields are summed from (its cost, its report's counts). */
export const SUMMED_PART_FIELDS = ['cost', 'parts', 'submittedParts', 'deliveredParts'] as const;
