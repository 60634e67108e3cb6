// The API of the pipeline benchmark alone in its own process, so that its CPU time and AWS calls are
// its own: in the parent they would mix with fauxqs, the simulator and the stream poller. The same
// app and deps as the local stack's API (and the Lambda's): Node's HTTP server and Hono in front of
// the routes, validation, the anti-loop guard, DynamoDB and SQS calls, one JSON log line per request
// (formatted, then dropped, as CloudWatch would take it). Talks to the parent over IPC:
// {type:'listening', url}, then answers {type:'cpu'} with its CPU time and AWS calls, and
// {type:'stop'} by closing.
import { countAwsCalls } from '#core/aws/call-counter.ts';
import { loadConfig } from '#lambdas/api/config.ts';
import { createDeps } from '#lambdas/api/deps.ts';
import { apiLogger } from '#lambdas/api/http/request-log.ts';
import { startApiServer } from '#lambdas/api/server.ts';

// Before createDeps builds the SDK clients: only clients built afterwards are counted.
const awsCalls = countAwsCalls();
const api = createDeps(loadConfig(process.env), { log: apiLogger(() => {}) });
const server = await startApiServer({ port: 0, deps: api.deps });
process.send?.({ type: 'listening', url: server.url });

process.on('message', (request: { type: 'cpu' | 'stop' }) => {
  if (request.type === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ type: 'cpu', micros: usage.user + usage.system, aws: awsCalls.snapshot() });
  } else {
    void server.close().then(() => {
      api.destroy();
      process.exit(0);
    });
  }
});
