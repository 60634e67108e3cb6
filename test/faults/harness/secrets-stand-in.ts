import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';

// A local stand-in for AWS Secrets Manager that answers GetSecretValue (the JSON protocol the SDK
// speaks) from a map a fault case can change while the bind-service runs: the login's secret is
// "fixed" by calling set() again.

export class SecretsStandIn {
  private readonly secrets = new Map<string, string>();
  private server?: Server;
  reads = 0;

  set(arn: string, value: string): void {
    this.secrets.set(arn, value);
  }

  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = request.headers['x-amz-target'];
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
        const secret = body.SecretId === undefined ? undefined : this.secrets.get(body.SecretId);
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        if (target !== 'secretsmanager.GetSecretValue' || secret === undefined) {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }));
          return;
        }
        this.reads++;
        response.end(
          JSON.stringify({ ARN: body.SecretId, Name: 'smpp-login', SecretString: secret, VersionId: 'v1' }),
        );
      });
    });
    this.server = server;
    return listenOnLoopback(server);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
