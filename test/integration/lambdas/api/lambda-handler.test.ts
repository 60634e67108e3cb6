import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { QueueNames, TableNames } from '#core/aws/resources/resource-definitions.ts';
import { type CallerIdentity, IDENTITIES, restApiEvent } from '#test/helpers/api/api-gateway-event.ts';
import { useApiHarness } from '#test/helpers/api/api-harness.ts';
import { ConfigError, loadConfig } from '../../../../lambdas/api/config.ts';

// The Lambda entry as API Gateway calls it: the real handler module (config from process.env at cold
// start, hono/aws-lambda adapter) with REST proxy events, against DynamoDB Local and fauxqs.

type Handler = typeof import('../../../../lambdas/api/handler.ts').handler;

const MOBILE = '+79991234567';

describe('API Lambda handler (REST proxy events, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();
  let handler: Handler;
  let tables: TableNames;
  let queues: QueueNames;
  const savedEnv = { ...process.env };
  const stdout: string[] = [];

  beforeAll(async () => {
    [tables, queues] = await Promise.all([harness.aws.freshTables(), harness.aws.freshQueues()]);
    Object.assign(process.env, {
      MESSAGES_TABLE: tables.messages,
      URGENT_QUEUE_URL: queues.urgent,
      BULK_QUEUE_URL: queues.bulk,
      AWS_REGION: harness.aws.region,
      AWS_ENDPOINT_URL_DYNAMODB: harness.aws.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: harness.aws.sqsEndpoint,
      SMPP_SYSTEM_TYPE: '',
      MAX_PARTS: '10',
    });
    // The cold start: the module builds its config and clients when first imported.
    ({ handler } = await import('../../../../lambdas/api/handler.ts'));
  });

  afterAll(() => {
    process.env = savedEnv;
  });

  /** Runs the handler with stdout captured, so the log lines it writes can be checked. */
  async function invoke(event: Parameters<Handler>[0]) {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
    try {
      return await handler(event);
    } finally {
      spy.mockRestore();
    }
  }

  it('when a message and a batch are accepted through the prod stage, then each Location names a URL under that stage', async () => {
    // Prepare: API Gateway shows the function the path without its stage, the request context with it
    const post = (path: string, body: unknown) =>
      invoke(
        restApiEvent({
          method: 'POST',
          path,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    const base = 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod';
    // Act
    const message = await post('/v1/messages', { to: MOBILE, text: 'Where am I' });
    const batch = await post('/v1/batches', { to: [MOBILE], text: 'Where are we' });
    await harness.drain(queues.urgent);
    await harness.drain(queues.bulk);
    // Assess: before, /v1/messages/<id>, which resolves outside the stage (API Gateway answers 403).
    const locationOf = (result: typeof message) => {
      // hono's adapter answers a REST event with multi-value headers.
      const { multiValueHeaders } = result as { multiValueHeaders?: Record<string, unknown[]> };
      return new URL(String(multiValueHeaders?.location?.[0]), `${base}/v1/x`).pathname;
    };
    expect(locationOf(message)).toBe(`/prod/v1/messages/${JSON.parse(message.body).id}`);
    expect(locationOf(batch)).toBe(`/prod/v1/batches/${JSON.parse(batch.body).batchId}`);
  });

  it('when API Gateway posts a message, then the handler answers 202 and the message is stored and queued', async () => {
    // Prepare
    const event = restApiEvent({
      method: 'POST',
      path: '/v1/messages',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'lambda-1' },
      body: JSON.stringify({ to: MOBILE, text: 'From Lambda' }),
    });
    stdout.length = 0;
    // Act
    const result = await invoke(event);
    // Assess
    expect(result.statusCode).toBe(202);
    const answer = JSON.parse(result.body);
    expect(answer).toEqual({ id: expect.any(String), status: 'accepted', encoding: 'gsm7', parts: 1 });
    expect(result.isBase64Encoded).toBe(false);
    expect(JSON.stringify(result)).toContain(`/v1/messages/${answer.id}`);
    expect(await harness.drain(queues.urgent)).toEqual([expect.objectContaining({ id: answer.id, v: 1 })]);
    const lines = stdout
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'request',
        method: 'POST',
        route: '/v1/messages',
        status: 202,
        messageId: answer.id,
      }),
    ]);
    expect(stdout.join('')).not.toContain('From Lambda');
    expect(stdout.join('')).not.toContain(MOBILE);
  });

  it('when the message is read through API Gateway, then GET answers 200 with its record', async () => {
    // Prepare
    const posted = await invoke(
      restApiEvent({
        method: 'POST',
        path: '/v1/messages',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ to: MOBILE, text: 'Read me', priority: 'bulk' }),
      }),
    );
    const { id } = JSON.parse(posted.body);
    // Act
    const result = await invoke(restApiEvent({ method: 'GET', path: `/v1/messages/${id}` }));
    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ id, to: MOBILE, status: 'accepted', priority: 'bulk' });
  });

  it('when two principals use the same Idempotency-Key, then each gets its own message', async () => {
    // Prepare
    const send = (userArn: string, text: string) =>
      invoke(
        restApiEvent({
          method: 'POST',
          path: '/v1/messages',
          userArn,
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'shared-key' },
          body: JSON.stringify({ to: MOBILE, text }),
        }),
      );
    // Act
    const alice = await send('arn:aws:iam::123456789012:role/alice', 'For alice');
    const bob = await send('arn:aws:iam::123456789012:role/bob', 'For bob');
    // Assess
    expect(alice.statusCode).toBe(202);
    expect(bob.statusCode).toBe(202);
    expect(JSON.parse(alice.body).id).not.toBe(JSON.parse(bob.body).id);
  });

  /** POSTs one message with an Idempotency-Key as the given principal; the answer's status and id. */
  async function sendAs(identity: Partial<CallerIdentity>, key: string, text = 'Same text') {
    const result = await invoke(
      restApiEvent({
        method: 'POST',
        path: '/v1/messages',
        identity,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({ to: MOBILE, text }),
      }),
    );
    // A REST proxy event carries multiValueHeaders, so the answer's headers come back in that form.
    const replayed = result.multiValueHeaders?.['idempotent-replayed']?.[0] === 'true';
    return { status: result.statusCode, id: JSON.parse(result.body).id as string, replayed };
  }

  it('when two workers of one role retry with the same key under different STS session names, then one message is created', async () => {
    // Prepare: ECS tasks (or one task after a credential refresh) sign with other session names
    const first = IDENTITIES.assumedRole('orders-service', 'ecs-task-3f2a9c');
    const other = IDENTITIES.assumedRole('orders-service', 'ecs-task-77b01d');
    // Act
    const sent = await sendAs(first, 'role-key-1');
    const retried = await sendAs(other, 'role-key-1');
    // Assess
    expect(sent.status).toBe(202);
    expect(retried.status).toBe(202);
    expect(retried.id).toBe(sent.id);
    expect(retried.replayed).toBe(true);
  });

  it('when different principals (roles, IAM users, federated users, Cognito identities) use the same key, then each gets its own message', async () => {
    // Prepare
    const principals = [
      IDENTITIES.assumedRole('orders-service', 'session-1'),
      IDENTITIES.assumedRole('billing-service', 'session-1'),
      IDENTITIES.iamUser('alice', 'AIDAEXAMPLEALICE'),
      IDENTITIES.iamUser('bob', 'AIDAEXAMPLEBOB'),
      IDENTITIES.federatedUser('carol'),
      IDENTITIES.federatedUser('dave'),
      IDENTITIES.cognitoUser('eu-west-1:aaaaaaaa-0000-0000-0000-000000000001'),
      IDENTITIES.cognitoUser('eu-west-1:aaaaaaaa-0000-0000-0000-000000000002'),
    ];
    // Act: each its own text, or the anti-loop rule would refuse the 2nd identical send (409).
    const answers = [];
    for (const [index, principal] of principals.entries()) {
      answers.push(await sendAs(principal, 'shared-key-2', `Own text ${index}`));
    }
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(principals.map(() => 202));
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(principals.length);
  });

  it('when an IAM user retries with the same key, then the first answer is replayed', async () => {
    // Prepare
    const alice = IDENTITIES.iamUser('alice', 'AIDAEXAMPLEALICE');
    // Act
    const sent = await sendAs(alice, 'user-key-3', 'Alice retries this');
    const retried = await sendAs(alice, 'user-key-3', 'Alice retries this');
    // Assess
    expect(retried).toEqual({ status: 202, id: sent.id, replayed: true });
  });

  it('when a base64-encoded body is not UTF-8, then the handler answers 400 invalid_utf8 as problem+json', async () => {
    // Prepare
    const event = restApiEvent({
      method: 'POST',
      path: '/v1/messages',
      headers: { 'Content-Type': 'application/json' },
      body: 'placeholder',
    });
    Object.assign(event, {
      isBase64Encoded: true,
      body: Buffer.from([0x7b, 0x22, 0x74, 0x6f, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('base64'),
    });
    // Act
    const result = await invoke(event);
    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.stringify(result)).toContain('application/problem+json');
    expect(JSON.parse(result.body)).toMatchObject({ code: 'invalid_utf8', status: 400 });
  });

  it('when a setting is missing or invalid, then loading the config fails naming the variable', () => {
    // Prepare
    const env = {
      MESSAGES_TABLE: 't',
      URGENT_QUEUE_URL: 'not a url',
      AWS_REGION: 'eu-west-1',
      MAX_PARTS: '0',
    };
    // Act
    const load = () => loadConfig(env);
    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/URGENT_QUEUE_URL/);
    expect(load).toThrow(/BULK_QUEUE_URL/);
    expect(load).toThrow(/MAX_PARTS/);
  });
});
