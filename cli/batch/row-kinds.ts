import { KINDS_WITHOUT_TEXT } from '#core/domain/messages/message-kinds.ts';

// Which of a mailing's rows take a text: the domain's own list, from its kinds module (which loads
// neither zod nor the phone-number metadata the CLI keeps out of its start, request-options.ts).

/**
 * Whether a row of this kind (its `kind` cell; none is an sms, the API's default) takes a text. A
 * kind the API does not know counts as taking one, as the API's other kinds do: its answer then
 * names the kind as the row's fault.
 */
export function takesText(kind: string | undefined): boolean {
  return !KINDS_WITHOUT_TEXT.some((without) => without === kind);
}
