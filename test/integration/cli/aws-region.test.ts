import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';
import { within } from '#test/helpers/wait.ts';
import { useAwsStandIn } from './aws-stand-in.ts';
import { useCli } from './cli-process.ts';

// The AWS region of the commands that call AWS themselves (`dlq` to SQS, `tail --event-bus` to
// EventBridge and SQS), for a deployed stack's endpoint: `--region`, else the endpoint's own region
// (as `send` and `status` sign for), else AWS_REGION. Both services are pointed at a loopback stand-in
// (AWS_ENDPOINT_URL_<SERVICE>, which the SDK honours) that records the region each request is signed
// for and answers as an empty account would.

const ENDPOINT = 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod';

interface SignedCall {
  service: string;
  region: string;
}

/** Answers SQS ListQueues with no queue and anything else (EventBridge) with "not found". */
async function awsStandIn(): Promise<{ url: string; calls: SignedCall[]; server: Server }> {
  const calls: SignedCall[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      // Credential=AKID/20250101/<region>/<service>/aws4_request
      const scope = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? '');
      calls.push({ region: scope?.[1] ?? '?', service: scope?.[2] ?? '?' });
      const sqs = String(request.headers['x-amz-target'] ?? '').startsWith('AmazonSQS.');
      response.writeHead(sqs ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify(sqs ? { QueueUrls: [] } : { __type: 'ResourceNotFoundException', message: 'no bus' }),
      );
    });
  });
  return { url: await listenOnLoopback(server), calls, server };
}

describe('smsc-sender dlq and tail --event-bus: the AWS region', () => {
  const cli = useCli(() => ENDPOINT);
  const pointAt = useAwsStandIn();

  const useStandIn = async () => {
    const standIn = await awsStandIn();
    // A shell whose default region is another one than the stack's.
    pointAt(standIn, 'us-east-1');
    return standIn;
  };

  it('when the endpoint names eu-central-1 and AWS_REGION is us-east-1, then dlq list asks SQS in eu-central-1', async () => {
    // Prepare
    const standIn = await useStandIn();
    // Act
    const list = cli(['dlq', 'list']);
    const code = await within(list.exited, 20_000, 'dlq list');
    // Assess
    expect({ code, calls: standIn.calls }, list.stderr).toEqual({
      code: 0,
      calls: [{ service: 'sqs', region: 'eu-central-1' }],
    });
  });

  it('when the endpoint names eu-central-1 and AWS_REGION is us-east-1, then tail --event-bus asks EventBridge in eu-central-1', async () => {
    // Prepare
    const standIn = await useStandIn();
    // Act
    const tail = cli(['tail', '--event-bus', 'smsc-events']);
    await within(tail.exited, 20_000, 'tail to give up on the missing bus');
    // Assess
    expect(standIn.calls[0], tail.stderr).toEqual({ service: 'events', region: 'eu-central-1' });
  });

  it('when --region is given, then it wins over the endpoint’s region', async () => {
    // Prepare
    const standIn = await useStandIn();
    // Act
    const list = cli(['--region', 'eu-west-1', 'dlq', 'list']);
    await within(list.exited, 20_000, 'dlq list');
    // Assess
    expect(standIn.calls, list.stderr).toEqual([{ service: 'sqs', region: 'eu-west-1' }]);
  });
});
