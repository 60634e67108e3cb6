import { beforeAll, describe, expect, it } from 'vitest';
import { asList, policyStatements, type Synthesised, synthesise } from '../synth.ts';

// What each role may do on the two tables: exactly the DynamoDB calls its code makes
// (cdk/constructs/messaging/table-access.ts names the code path of every action). A missing action
// is an outage only AWS shows; one too many is access nobody needs. The stream actions of the status
// consumer's event sources are not item access and are left out here (resources.test.ts).

/** The logical-id prefixes of the roles' default policies. */
const ROLES = {
  api: /^SmsSenderApiHandlerRole/,
  bindService: /^SmsSenderBindServiceTaskTaskRole/,
  sweeper: /^SmsSenderSweeperHandlerRole/,
  callbackWorker: /^SmsSenderCallbacksWorkerRole/,
  statusStream: /^SmsSenderStatusStreamHandlerRole/,
} as const;

/** Granted by Lambda's DynamoDB stream event sources, on stream ARNs (and `*` for ListStreams). */
const STREAM_ACTIONS = new Set([
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
]);

const TABLE_ID = { SmsSenderStoreMessages: 'Messages', SmsSenderStoreInbound: 'Inbound' } as const;

interface CfnRef {
  'Fn::GetAtt'?: [string, string];
  'Fn::Join'?: [string, unknown[]];
}

/** `Messages`, `Inbound`, `Messages/index/<name>`; anything else as its JSON (so it shows in a diff). */
function resourceName(resource: unknown): string {
  const ref = resource as CfnRef;
  const getAtt = ref['Fn::GetAtt'];
  if (getAtt && getAtt[1] === 'Arn') {
    for (const [prefix, name] of Object.entries(TABLE_ID)) {
      if (new RegExp(`^${prefix}[0-9A-F]{8}$`).test(getAtt[0])) return name;
    }
  }
  const join = ref['Fn::Join'];
  if (join && join[0] === '' && join[1].length === 2 && typeof join[1][1] === 'string') {
    const base = resourceName(join[1][0]);
    if (base === 'Messages' || base === 'Inbound') return `${base}${join[1][1]}`;
  }
  return JSON.stringify(resource);
}

/** The DynamoDB item and query actions (sorted) the role's policy allows, by resource. */
function tableGrants(synth: Synthesised, role: RegExp): Record<string, string[]> {
  const byResource: Record<string, Set<string>> = {};
  for (const statement of policyStatements(synth.template)) {
    if (!role.test(statement.policy)) continue;
    expect(statement.Effect).toBe('Allow');
    const actions = asList(statement.Action).filter(
      (action) => action.startsWith('dynamodb:') && !STREAM_ACTIONS.has(action),
    );
    if (actions.length === 0) continue;
    for (const resource of asList(statement.Resource)) {
      const name = resourceName(resource);
      byResource[name] ??= new Set();
      for (const action of actions) byResource[name].add(action);
    }
  }
  return Object.fromEntries(Object.entries(byResource).map(([name, actions]) => [name, [...actions].sort()]));
}

describe('SmsSender table grants', () => {
  let synth: Synthesised;

  beforeAll(() => {
    synth = synthesise();
  });

  it('when the api Lambda role is synthesised, then it may create, read and mark messages and count batches on byBatch, and nothing more', () => {
    // Act
    const grants = tableGrants(synth, ROLES.api);
    // Assess: no DeleteItem (only the bind-service's lease deletes), no byAttention (sweeper and
    // reconciler), no ConditionCheckItem (no transaction of its holds a ConditionCheck).
    expect(grants).toEqual({
      Messages: [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      'Messages/index/byBatch': ['dynamodb:Query'],
    });
  });

  it('when the bind-service task role is synthesised, then it may do on messages what sending, receipts, the lease and the reconciler need, and only get, put and update inbound items', () => {
    // Act
    const grants = tableGrants(synth, ROLES.bindService);
    // Assess: no BatchWriteItem (batches are the API's), no byBatch (batch counts are the API's),
    // no ConditionCheckItem; the inbound table has no index and is only read and written by key.
    expect(grants).toEqual({
      Messages: [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      'Messages/index/byAttention': ['dynamodb:Query'],
      Inbound: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    });
  });

  it('when the sweeper role is synthesised, then it may query byAttention, read a message and reschedule it, and nothing more', () => {
    // Act
    const grants = tableGrants(synth, ROLES.sweeper);
    // Assess
    expect(grants).toEqual({
      Messages: ['dynamodb:GetItem', 'dynamodb:PartiQLUpdate'],
      'Messages/index/byAttention': ['dynamodb:Query'],
    });
  });

  it('when the callback worker role is synthesised, then it may only update message items', () => {
    // Act
    const grants = tableGrants(synth, ROLES.callbackWorker);
    // Assess
    expect(grants).toEqual({ Messages: ['dynamodb:UpdateItem'] });
  });

  it('when the status stream role is synthesised, then it reads only the streams, no table item', () => {
    // Act
    const grants = tableGrants(synth, ROLES.statusStream);
    // Assess
    expect(grants).toEqual({});
  });

  it('when any role is synthesised, then an index ARN carries dynamodb:Query only, and no grant names index/*', () => {
    // Prepare
    const statements = policyStatements(synth.template);
    // Act
    const onIndexes = statements.flatMap((statement) =>
      asList(statement.Resource)
        .map(resourceName)
        .filter((name) => name.includes('/index/') || name.includes('index/*'))
        .flatMap((name) => asList(statement.Action).map((action) => `${name} ${action}`)),
    );
    // Assess
    expect(onIndexes.length).toBeGreaterThan(0);
    expect(onIndexes.filter((grant) => !/^Messages\/index\/by\w+ dynamodb:Query$/.test(grant))).toEqual([]);
  });

  it('when a customer-managed key encrypts the tables, then each role that writes a table may use the key for it, and no role gets more key actions', () => {
    // Prepare
    const keyArn = 'arn:aws:kms:eu-central-1:111111111111:key/0e6b2f5c-3c4d-4f5e-8a9b-0c1d2e3f4a5b';
    const keyed = synthesise({ context: { encryptionKeyArn: keyArn } });
    const keyActionsOf = (role: RegExp) =>
      policyStatements(keyed.template)
        .filter((statement) => role.test(statement.policy))
        .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(keyArn))
        .flatMap((statement) => asList(statement.Action));
    const writer = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];
    // Act
    const byRole = Object.fromEntries(
      (['api', 'bindService', 'sweeper', 'callbackWorker'] as const).map((name) => [
        name,
        [...new Set(keyActionsOf(ROLES[name]))].sort(),
      ]),
    );
    // Assess
    expect(byRole).toEqual({ api: writer, bindService: writer, sweeper: writer, callbackWorker: writer });
  });

  it('when the key is turned on for a deployed stack, then each role may use it before the tables switch to it', () => {
    // Prepare: CloudFormation updates a resource after what it refers to or depends on. A key
    // statement in the role's default policy, which names the table, is applied only after the table
    // switched to the key: until then every API write, claim and receipt fails on KMS access.
    const keyArn = 'arn:aws:kms:eu-central-1:111111111111:key/0e6b2f5c-3c4d-4f5e-8a9b-0c1d2e3f4a5b';
    const keyed = synthesise({ context: { encryptionKeyArn: keyArn } });
    const tables = Object.values(keyed.template.findResources('AWS::DynamoDB::Table')) as {
      DependsOn?: string | string[];
    }[];
    // Act: each role's key actions that only a policy applied after the tables allows
    const early = (policy: string) => tables.every((table) => asList(table.DependsOn ?? []).includes(policy));
    const keyStatementsOf = (role: RegExp) =>
      policyStatements(keyed.template)
        .filter((statement) => role.test(statement.policy))
        .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(keyArn));
    const lateActions = Object.fromEntries(
      (['api', 'bindService', 'sweeper', 'callbackWorker', 'statusStream'] as const).map((name) => {
        const statements = keyStatementsOf(ROLES[name]);
        const before = new Set(
          statements
            .filter((statement) => early(statement.policy))
            .flatMap((statement) => asList(statement.Action)),
        );
        const all = statements.flatMap((statement) => asList(statement.Action));
        return [
          name,
          all.length === 0 ? ['no key action'] : [...new Set(all.filter((action) => !before.has(action)))],
        ];
      }),
    );
    // Assess
    expect(lateActions).toEqual({
      api: [],
      bindService: [],
      sweeper: [],
      callbackWorker: [],
      statusStream: [],
    });
  });
});
