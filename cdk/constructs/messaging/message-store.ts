import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  INBOUND_TABLE,
  MESSAGES_TABLE,
  type TableDefinition,
} from '#core/aws/resources/resource-definitions.ts';
import { VAR, type VariableName } from '#core/config/variables.ts';
import { toGlobalSecondaryIndexProps, toTableProps } from '../platform/resource-mapping.ts';
import type { ResourceConsumer } from './consumer.ts';

// The messages table (records, receipt lookups, idempotency records, the bind lease; its stream feeds
// the status consumer) and the inbound table, built from the shared definitions.

/** `update`: UpdateItem only (the callback worker writes one attribute of existing items). */
export type TableAccess = 'read' | 'write' | 'readWrite' | 'update';

// Listed by hand instead of grantReadWriteData: no Scan, no DescribeTable, no `index/*` wildcard.
// TransactWriteItems is authorised per item as Put/Update/Delete/ConditionCheck, so it needs no entry;
// BatchExecuteStatement per statement: the grouped conditional updates are PartiQL UPDATEs
// (core/aws/grouped/), hence PartiQLUpdate.
const ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PartiQLUpdate',
  ],
  readWrite: [],
  update: ['dynamodb:UpdateItem'],
};

function actionsFor(access: TableAccess): string[] {
  return access === 'readWrite' ? [...ACTIONS.read, ...ACTIONS.write] : [...ACTIONS[access]];
}

// With a customer-managed key DynamoDB uses the key on the caller's behalf, so the caller needs it.
// Named actions instead of CDK's grants, whose `GenerateDataKey*` and `ReEncrypt*` are wildcards.
const KEY_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
  readWrite: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
  update: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
};

class DefinedTable {
  constructor(
    readonly table: dynamodb.Table,
    private readonly definition: TableDefinition,
    private readonly envName: VariableName,
  ) {}

  bind(consumer: ResourceConsumer, access: TableAccess): void {
    const indexArns = this.definition.globalSecondaryIndexes.map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
    consumer.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actionsFor(access),
        resources: [this.table.tableArn, ...(access === 'write' || access === 'update' ? [] : indexArns)],
      }),
    );
    const key = this.table.encryptionKey;
    if (key) {
      consumer.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [...KEY_ACTIONS[access]], resources: [key.keyArn] }),
      );
    }
    consumer.addEnvironment(this.envName, this.table.tableName);
  }
}

function createTable(scope: Construct, definition: TableDefinition, key?: kms.IKey): dynamodb.Table {
  const table = new dynamodb.Table(scope, definition.id, toTableProps(definition, key));
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex(toGlobalSecondaryIndexProps(index));
  }
  return table;
}

export interface MessageStoreProps {
  /** @default the AWS-managed `aws/dynamodb` key */
  readonly encryptionKey?: kms.IKey;
}

export class MessageStore extends Construct {
  private readonly messagesTable: DefinedTable;
  private readonly inboundTable: DefinedTable;

  constructor(scope: Construct, id: string, props: MessageStoreProps = {}) {
    super(scope, id);
    const key = props.encryptionKey;
    this.messagesTable = new DefinedTable(
      createTable(this, MESSAGES_TABLE, key),
      MESSAGES_TABLE,
      VAR.MESSAGES_TABLE,
    );
    this.inboundTable = new DefinedTable(
      createTable(this, INBOUND_TABLE, key),
      INBOUND_TABLE,
      VAR.INBOUND_TABLE,
    );
  }

  get messages(): dynamodb.Table {
    return this.messagesTable.table;
  }

  get inbound(): dynamodb.Table {
    return this.inboundTable.table;
  }

  /** Grants `access` on the messages table and its indexes, and sets MESSAGES_TABLE. */
  bindMessages(consumer: ResourceConsumer, access: TableAccess): void {
    this.messagesTable.bind(consumer, access);
  }

  /** Grants `access` on the inbound table, and sets INBOUND_TABLE. */
  bindInbound(consumer: ResourceConsumer, access: TableAccess): void {
    this.inboundTable.bind(consumer, access);
  }
}
