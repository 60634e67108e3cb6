import { VAR } from '#core/config/variables.ts';
import { ANTI_LOOP_ERRORS } from '#core/domain/provider/anti-loop.ts';
import type { LocalStack } from '#local/start-stack.ts';

// What `npm start` prints once the stack is up: where each part listens, a message to try, and
// what a stop costs (the stack keeps its data in memory only).

export function banner(stack: Pick<LocalStack, 'smpp' | 'apiUrl' | 'endpoints' | 'tables'>): string {
  const { smpp, apiUrl } = stack;
  const target = smpp.simulated
    ? `embedded SMSC simulator on ${smpp.host}:${smpp.port} (login "${smpp.systemId}", ${smpp.throughput} msg/s)`
    : `${smpp.host}:${smpp.port} (login "${smpp.systemId}")`;
  const post = (text: string) =>
    `curl -s -X POST ${apiUrl}/v1/messages -H 'content-type: application/json' -d '{"to":"+79991234567","text":"${text}"}'`;
  return [
    '',
    'SMS sender: local stack is up',
    `  API            ${apiUrl}`,
    `  SMPP           ${target}`,
    `  DynamoDB Local ${stack.endpoints.dynamodb}  (tables ${stack.tables.messages}, ${stack.tables.inbound})`,
    `  SQS (fauxqs)   ${stack.endpoints.sqs}`,
    ...(stack.endpoints.bindServiceHealth ? [`  bind-service   ${stack.endpoints.bindServiceHealth}`] : []),
    '',
    'Send a message, then read it (delivered within a second or so):',
    `  ${post('Привет')}`,
    `  curl -s ${apiUrl}/v1/messages/<id from the answer>`,
    // A user tries the second example right after the first: with the first one's text, the API's
    // duplicate rule would answer 409 and the follow-up GET would find no id.
    'or both at once (the time makes the text a new one: the API refuses the same text to the same',
    `number within a minute, 409 ${ANTI_LOOP_ERRORS.duplicate.code}, as the SMSC does; ${VAR.ANTI_LOOP_DUPLICATE_SECONDS} sets it):`,
    `  id=$(${post(`Привет, '"$(date +%T)"'`)} | sed -nE 's/.*"id":"([^"]+)".*/\\1/p'); sleep 1; curl -s ${apiUrl}/v1/messages/$id`,
    '',
    'Everything is kept in memory only: a stop discards every record and every accepted message not',
    'yet sent (the stop says how many), and the next start begins empty.',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
