import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  INBOUND_TABLE,
  MESSAGES_TABLE,
  type TableDefinition,
} from '#core/aws/resources/resource-definitions.ts';
import type { ResourceConsumer } from './consumer.ts';
import { toGlobalSecondaryIndexProps, toTableProps } from './resource-mapping.ts';

// The messages table (records, receipt lookups, idempotency records, the bind lease; its stream feeds
// the status consumer) and the inbound table, built from the shared definitions.

export type TableAccess = 'read' | 'write' | 'readWrite';

// Listed by hand instead of grantReadWriteData: no Scan, no DescribeTable, no `index/*` wildcard.
// TransactWriteItems is authorised per item as Put/Update/Delete/ConditionCheck, so it needs no entry.
const ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
  readWrite: [],
};

function actionsFor(access: TableAccess): string[] {
  return access === 'readWrite' ? [...ACTIONS.read, ...ACTIONS.write] : [...ACTIONS[access]];
}

class DefinedTable {
  constructor(
    readonly table: dynamodb.Table,
    private readonly definition: TableDefinition,
    private readonly envName: string,
  ) {}

  bind(consumer: ResourceConsumer, access: TableAccess): void {
    const indexArns = this.definition.globalSecondaryIndexes.map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
    consumer.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actionsFor(access),
        resources: [this.table.tableArn, ...(access === 'write' ? [] : indexArns)],
      }),
    );
    consumer.addEnvironment(this.envName, this.table.tableName);
  }
}

function createTable(scope: Construct, definition: TableDefinition): dynamodb.Table {
  const table = new dynamodb.Table(scope, definition.id, toTableProps(definition));
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex(toGlobalSecondaryIndexProps(index));
  }
  return table;
}

export class MessageStore extends Construct {
  private readonly messagesTable: DefinedTable;
  private readonly inboundTable: DefinedTable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.messagesTable = new DefinedTable(
      createTable(this, MESSAGES_TABLE),
      MESSAGES_TABLE,
      'MESSAGES_TABLE',
    );
    this.inboundTable = new DefinedTable(createTable(this, INBOUND_TABLE), INBOUND_TABLE, 'INBOUND_TABLE');
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
