// A queue message's body as JSON, read as the API reads a request body: the API's TextDecoder drops
// a leading UTF-8 BOM, so a JSON file saved with one (Notepad, PowerShell's utf8) and published as
// is is the same JSON on the queue. One function for every reader of queue bodies (the bind-service,
// `dlq redrive`), so that they take one body for one message.

/** The parsed body; throws SyntaxError as JSON.parse does when it is not JSON. */
export function parseQueueJson(body: string): unknown {
  return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
}
