import type { LocalStack } from '#local/start-stack.ts';

// What `npm start` prints once the stack is up: where each part listens, a message to try, and
// what a stop costs (the stack keeps its data in memory only).

export function banner(stack: Pick<LocalStack, 'smpp' | 'apiUrl' | 'endpoints' | 'tables'>): string {
  const { smpp, apiUrl } = stack;
  const target = smpp.simulated
    ? `embedded SMSC simulator on ${smpp.host}:${smpp.port} (login "${smpp.systemId}", ${smpp.throughput} msg/s)`
    : `${smpp.host}:${smpp.port} (login "${smpp.systemId}")`;
  const post = `curl -s -X POST ${apiUrl}/v1/messages -H 'content-type: application/json' -d '{"to":"+79991234567","text":"Привет"}'`;
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
    `  ${post}`,
    `  curl -s ${apiUrl}/v1/messages/<id from the answer>`,
    'or both at once:',
    `  id=$(${post} | sed -E 's/.*"id":"([^"]+)".*/\\1/'); sleep 1; curl -s ${apiUrl}/v1/messages/$id`,
    '',
    ...(smpp.simulated
      ? ['Like the SMSC, the simulator refuses the same text to the same number twice within a minute.', '']
      : []),
    'Everything is kept in memory only: a stop discards every record and every accepted message not',
    'yet sent (the stop says how many), and the next start begins empty.',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
