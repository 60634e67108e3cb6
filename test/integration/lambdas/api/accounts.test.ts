import { describe, expect, it } from 'vitest';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import type { AccountEntryInput } from '#core/domain/accounts/account-schema.ts';
import { useAccountsFile } from '#test/helpers/accounts-file.ts';
import {
  type AcceptedBody,
  type ApiStack,
  jsonOf,
  problemOf,
  useApiHarness,
} from '#test/helpers/api/api-harness.ts';
import { createApiApp } from '../../../../lambdas/api/app.ts';

// Accounts at the API (issue 12): a message names its account or is routed to one, the caller must be
// allowed to use it, and the record, the GET answer and the queue body carry it. DynamoDB Local and
// fauxqs; the SMPP_ACCOUNTS file in a temp directory.

const ORDERS_ROLE = 'arn:aws:iam::123456789012:role/orders';
const LOGIN = { host: '127.0.0.1', port: 2775 };
const ACCOUNTS: AccountEntryInput[] = [
  { name: 'main', systemId: 'main-login', password: 'fake-pw-1', ...LOGIN },
  { name: 'uk', systemId: 'uk-login', password: 'fake-pw-2', ...LOGIN, prefixes: ['+44'], systemType: 'ISO' },
  { name: 'orders', systemId: 'orders-login', password: 'fake-pw-3', ...LOGIN, principals: [ORDERS_ROLE] },
];
const MOBILE = '+79991234567';
const UK_MOBILE = '+447911123456';

describe('API accounts (Node server and the Lambda app, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();
  const accountsFile = useAccountsFile();
  /** The queue pairs of the accounts but the first (ACCOUNT_QUEUES), made fresh per API. */
  let accountQueues: Record<string, QueueNames> = {};
  const start = async () => {
    const others = ACCOUNTS.slice(1).map((account) => account.name);
    const pairs = await Promise.all(others.map(() => harness.aws.freshQueues()));
    accountQueues = Object.fromEntries(others.map((name, index) => [name, pairs[index] as QueueNames]));
    const env = Object.fromEntries(
      Object.entries(accountQueues).map(([name, queues]) => [
        name,
        { urgent: queues.urgent, bulk: queues.bulk, urgentDlq: queues.urgentDlq, bulkDlq: queues.bulkDlq },
      ]),
    );
    return harness.start({
      env: { SMPP_ACCOUNTS: accountsFile(ACCOUNTS), ACCOUNT_QUEUES: JSON.stringify(env) },
    });
  };

  /** Nothing in the table (messages, idempotency or anti-loop items) and nothing on any queue. */
  async function expectNothingStored(api: ApiStack): Promise<void> {
    expect(await harness.items(api.tables.messages, '')).toEqual([]);
    for (const queues of [api.queues, ...Object.values(accountQueues)]) {
      expect(await harness.drain(queues.urgent)).toEqual([]);
      expect(await harness.drain(queues.bulk)).toEqual([]);
    }
  }

  it('when a message names an account, then the record, the GET answer and the body on that account’s queue carry it', async () => {
    // Prepare
    const api = await start();
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Hello', account: 'uk' });
    // Assess
    expect(response.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(response);
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([
      expect.objectContaining({ id, account: 'uk' }),
    ]);
    expect(await jsonOf(await api.get(`/v1/messages/${id}`))).toMatchObject({ id, account: 'uk' });
    expect(await harness.drain(accountQueues.uk?.urgent ?? '')).toEqual([
      expect.objectContaining({ id, account: 'uk' }),
    ]);
    expect(await harness.drain(api.queues.urgent)).toEqual([]);
  });

  it('when a message names no account, then the prefix rule routes it, else the first account takes it', async () => {
    // Prepare
    const api = await start();
    // Act
    const uk = await jsonOf<AcceptedBody>(await api.post('/v1/messages', { to: UK_MOBILE, text: 'Hello' }));
    const other = await jsonOf<AcceptedBody>(await api.post('/v1/messages', { to: MOBILE, text: 'Hello' }));
    // Assess
    expect(await jsonOf(await api.get(`/v1/messages/${uk.id}`))).toMatchObject({ account: 'uk' });
    expect(await jsonOf(await api.get(`/v1/messages/${other.id}`))).toMatchObject({ account: 'main' });
  });

  it('when the routed account has the ISO flag, then the 202 plans the encoding for it: latin1 where the default account plans ucs2', async () => {
    // Prepare
    const api = await start();
    // Act
    const uk = await api.post('/v1/messages', { to: UK_MOBILE, text: 'Crème brûlée ô' });
    const main = await api.post('/v1/messages', { to: MOBILE, text: 'Crème brûlée ô' });
    // Assess
    expect(await uk.json()).toMatchObject({ encoding: 'latin1' });
    expect(await main.json()).toMatchObject({ encoding: 'ucs2' });
  });

  it('when an unauthenticated caller names an account limited to a role, then 403 names it and nothing is stored', async () => {
    // Prepare
    const api = await start();
    // Act
    const response = await api.post(
      '/v1/messages',
      { to: MOBILE, text: 'Hello', account: 'orders' },
      { 'idempotency-key': 'k-1' },
    );
    // Assess
    expect(response.status).toBe(403);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'account_forbidden', account: 'orders' });
    expect(problem.detail).toContain('"orders"');
    await expectNothingStored(api);
  });

  it('when another role signs for an account limited to a role, then 403; when that role signs, then 202', async () => {
    // Prepare
    const api = await start();
    const app = createApiApp(api.deps);
    const send = (role: string, text: string) =>
      app.request(
        '/v1/messages',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: MOBILE, text, account: 'orders' }),
        },
        {
          requestContext: { identity: { userArn: `arn:aws:sts::123456789012:assumed-role/${role}/task-7` } },
        },
      );
    // Act
    const refused = await send('marketing', 'Hello');
    const refusedProblem = await problemOf(refused);
    const itemsAfterRefusal = await harness.items(api.tables.messages, '');
    const allowed = await send('orders', 'Hello again');
    // Assess
    expect(refused.status).toBe(403);
    expect(refusedProblem).toMatchObject({ code: 'account_forbidden', account: 'orders' });
    expect(itemsAfterRefusal).toEqual([]);
    expect(allowed.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(allowed);
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([
      expect.objectContaining({ id, account: 'orders' }),
    ]);
  });

  it('when a role that may not use an account reads one of its messages, then 404 as for no such message; its own role reads it', async () => {
    // Prepare
    const api = await start();
    const app = createApiApp(api.deps);
    const as = (role: string) => ({
      requestContext: { identity: { userArn: `arn:aws:sts::123456789012:assumed-role/${role}/task-7` } },
    });
    const sent = await app.request(
      '/v1/messages',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: MOBILE, text: 'Your order code is 5521', account: 'orders' }),
      },
      as('orders'),
    );
    const { id } = await jsonOf<AcceptedBody>(sent);
    // Act
    const other = await app.request(`/v1/messages/${id}`, {}, as('marketing'));
    const otherBody = await other.text();
    const own = await app.request(`/v1/messages/${id}`, {}, as('orders'));
    // Assess
    expect({ status: other.status, showsText: otherBody.includes('5521') }).toEqual({
      status: 404,
      showsText: false,
    });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id, account: 'orders', text: 'Your order code is 5521' });
  });

  it('when a restricted account is removed from the file and another stays restricted, then only a caller who may use every account left reads its messages', async () => {
    // Prepare: "orders" (its role only) sends; then the file drops it and limits "uk" to an admin role.
    const before = await start();
    const as = (role: string) => ({
      requestContext: { identity: { userArn: `arn:aws:sts::123456789012:assumed-role/${role}/task-7` } },
    });
    const sent = await createApiApp(before.deps).request(
      '/v1/messages',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: MOBILE, text: 'Your order code is 5521', account: 'orders' }),
      },
      as('orders'),
    );
    const { id } = await jsonOf<AcceptedBody>(sent);
    const left = ACCOUNTS.filter(({ name }) => name !== 'orders').map((account) =>
      account.name === 'uk' ? { ...account, principals: ['arn:aws:iam::123456789012:role/admin'] } : account,
    );
    const ukQueues = accountQueues.uk;
    if (!ukQueues) throw new Error('start() made no queue pair for "uk"');
    const { urgent, bulk, urgentDlq, bulkDlq } = ukQueues;
    const after = await harness.start({
      env: {
        SMPP_ACCOUNTS: accountsFile(left),
        ACCOUNT_QUEUES: JSON.stringify({ uk: { urgent, bulk, urgentDlq, bulkDlq } }),
      },
      tables: before.tables,
      queues: before.queues,
    });
    const app = createApiApp(after.deps);
    // Act
    const other = await app.request(`/v1/messages/${id}`, {}, as('marketing'));
    const otherBody = await other.text();
    const formerOwner = await app.request(`/v1/messages/${id}`, {}, as('orders'));
    const admin = await app.request(`/v1/messages/${id}`, {}, as('admin'));
    // Assess: before, an account no longer listed was open to every caller: "marketing" read the code.
    expect({
      status: other.status,
      showsText: otherBody.includes('5521'),
      showsRecipient: otherBody.includes(MOBILE.slice(1)),
    }).toEqual({ status: 404, showsText: false, showsRecipient: false });
    expect(formerOwner.status).toBe(404);
    expect(admin.status).toBe(200);
    expect(await admin.json()).toMatchObject({ id, account: 'orders', text: 'Your order code is 5521' });
  });

  it('when a message names an account that does not exist, then 422 unknown_account names it and nothing is stored', async () => {
    // Prepare
    const api = await start();
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Hello', account: 'mian' });
    // Assess
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'unknown_account', account: 'mian' });
    expect(problem.errors).toEqual([
      {
        code: 'unknown_account',
        path: ['account'],
        // "orders" is left out: this (unauthenticated) caller may not use it.
        message: 'account: no account is named "mian" (known: "main", "uk")',
      },
    ]);
    await expectNothingStored(api);
  });

  it('when a batch entry goes through an account the caller may not use, then the whole batch is 403 and nothing is stored', async () => {
    // Prepare
    const api = await start();
    // Act
    const response = await api.post('/v1/batches', {
      messages: [
        { to: MOBILE, text: 'one' },
        { to: '+79991234568', text: 'two', account: 'orders' },
      ],
    });
    // Assess
    expect(response.status).toBe(403);
    expect(await problemOf(response)).toMatchObject({ code: 'account_forbidden', accounts: ['orders'] });
    await expectNothingStored(api);
  });

  it('when one batch entry names an unknown account, then that entry alone is rejected and the others carry theirs', async () => {
    // Prepare
    const api = await start();
    // Act
    const response = await api.post('/v1/batches', {
      messages: [
        { to: MOBILE, text: 'one', account: 'nope' },
        { to: UK_MOBILE, text: 'two' },
      ],
    });
    // Assess
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({
      accepted: 1,
      rejected: [{ index: 0, error: { code: 'unknown_account', path: ['messages', 0, 'account'] } }],
    });
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([
      expect.objectContaining({ to: UK_MOBILE, account: 'uk' }),
    ]);
  });

  it('when a batch holds messages of two accounts, then each goes on its own account’s bulk queue', async () => {
    // Prepare
    const api = await start();
    // Act
    const response = await api.post('/v1/batches', {
      messages: [
        { to: MOBILE, text: 'main one' },
        { to: UK_MOBILE, text: 'uk one' },
        { to: MOBILE, text: 'main two' },
      ],
    });
    // Assess
    expect(response.status).toBe(202);
    const main = await harness.drain(api.queues.bulk);
    const uk = await harness.drain(accountQueues.uk?.bulk ?? '');
    expect(main.map((body) => [body.text, body.account]).sort()).toEqual([
      ['main one', 'main'],
      ['main two', 'main'],
    ]);
    expect(uk.map((body) => [body.text, body.account])).toEqual([['uk one', 'uk']]);
  });

  it('when a one-text batch names an unknown account, then 422 names it and nothing is stored', async () => {
    // Prepare
    const api = await start();
    // Act
    const response = await api.post('/v1/batches', { to: [MOBILE], text: 'Hi', account: 'nope' });
    // Assess
    expect(response.status).toBe(422);
    expect(await problemOf(response)).toMatchObject({ code: 'unknown_account', account: 'nope' });
    await expectNothingStored(api);
  });

  it.each([
    [
      'one number as `to` (the documented 400 example) and an unknown account',
      { to: MOBILE, account: 'nope' },
    ],
    ['an account that is no account name, as a single send refuses it', { to: [MOBILE], account: '' }],
  ])(
    'when a batch gives %s, then 400 validation_failed comes before any account lookup',
    async (_what, fields) => {
      // Prepare
      const api = await start();
      // Act
      const response = await api.post('/v1/batches', { ...fields, text: 'Hi' });
      // Assess: before, 422 unknown_account, and the shape it had wrong came only after that was mended
      expect(response.status).toBe(400);
      expect(await problemOf(response)).toMatchObject({ code: 'validation_failed' });
    },
  );
});
