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
import { type InboundAccess, type MessagesAccess, type TableAccess, WRITE_ACTIONS } from './table-access.ts';

// The messages table (records, receipt lookups, idempotency records, the bind lease; its stream feeds
// the status consumer) and the inbound table, built from the shared definitions. Each consumer is
// granted the access described for it in table-access.ts, and nothing else.

// With a customer-managed key DynamoDB uses the key on the caller's behalf, so the caller needs it.
// Named actions instead of CDK's grants, whose `GenerateDataKey*` and `ReEncrypt*` are wildcards.
const READ_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const WRITE_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/**
 * Where a role's key statements go: a policy of their own that both tables wait for. In the role's
 * default policy, which names the tables, they would be applied only after a table had switched to
 * the key (turning `encryptionKeyArn` on for a deployed stack), and every call would fail until then.
 */
class KeyPolicies {
  private readonly byRole = new Map<iam.Role, iam.Policy>();

  constructor(private readonly tables: () => readonly dynamodb.Table[]) {}

  add(grantee: iam.IPrincipal, statement: iam.PolicyStatement): void {
    if (!(grantee instanceof iam.Role)) {
      grantee.addToPrincipalPolicy(statement);
      return;
    }
    let policy = this.byRole.get(grantee);
    if (!policy) {
      policy = new iam.Policy(grantee, 'TableKey');
      grantee.attachInlinePolicy(policy);
      for (const table of this.tables()) table.node.addDependency(policy);
      this.byRole.set(grantee, policy);
    }
    policy.addStatements(statement);
  }
}

class DefinedTable {
  constructor(
    readonly table: dynamodb.Table,
    private readonly definition: TableDefinition,
    private readonly envName: VariableName,
    private readonly keyPolicies: KeyPolicies,
  ) {}

  /** The item actions on the table ARN, Query on each queried index's ARN (only), the key, the name. */
  bind(consumer: ResourceConsumer, access: TableAccess): void {
    const grantee = consumer.grantPrincipal;
    if (access.items.length > 0) {
      grantee.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [...new Set(access.items)], resources: [this.table.tableArn] }),
      );
    }
    const queries = [...new Set(access.queries ?? [])];
    if (queries.length > 0) {
      grantee.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: queries.map((name) => this.indexArn(name)),
        }),
      );
    }
    const key = this.table.encryptionKey;
    if (key) {
      const writes = access.items.some((action) => WRITE_ACTIONS.has(action));
      this.keyPolicies.add(
        grantee,
        new iam.PolicyStatement({
          actions: writes ? WRITE_KEY_ACTIONS : READ_KEY_ACTIONS,
          resources: [key.keyArn],
        }),
      );
    }
    consumer.addEnvironment(this.envName, this.table.tableName);
  }

  private indexArn(indexName: string): string {
    if (!this.definition.globalSecondaryIndexes.some((index) => index.indexName === indexName)) {
      throw new Error(`the ${this.definition.id} table has no index ${indexName}`);
    }
    return `${this.table.tableArn}/index/${indexName}`;
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
  private readonly keyPolicies: KeyPolicies;

  constructor(scope: Construct, id: string, props: MessageStoreProps = {}) {
    super(scope, id);
    const key = props.encryptionKey;
    const keyPolicies = new KeyPolicies(() => [this.messages, this.inbound]);
    this.keyPolicies = keyPolicies;
    this.messagesTable = new DefinedTable(
      createTable(this, MESSAGES_TABLE, key),
      MESSAGES_TABLE,
      VAR.MESSAGES_TABLE,
      keyPolicies,
    );
    this.inboundTable = new DefinedTable(
      createTable(this, INBOUND_TABLE, key),
      INBOUND_TABLE,
      VAR.INBOUND_TABLE,
      keyPolicies,
    );
  }

  get messages(): dynamodb.Table {
    return this.messagesTable.table;
  }

  get inbound(): dynamodb.Table {
    return this.inboundTable.table;
  }

  /** Grants `access` (table-access.ts) on the messages table and its indexes, and sets MESSAGES_TABLE. */
  bindMessages(consumer: ResourceConsumer, access: MessagesAccess): void {
    this.messagesTable.bind(consumer, access);
  }

  /** Grants `access` (table-access.ts) on the inbound table, and sets INBOUND_TABLE. */
  bindInbound(consumer: ResourceConsumer, access: InboundAccess): void {
    this.inboundTable.bind(consumer, access);
  }

  /**
   * The key a reader of the tables' streams needs. The stream grant of Lambda's event source adds it
   * too, to the default policy that waits for the tables; this one comes before them (KeyPolicies),
   * so a key turned on does not fail the stream's batches until their retries run out.
   */
  grantStreamKey(reader: iam.IGrantable): void {
    const key = this.messages.encryptionKey;
    if (!key) return;
    this.keyPolicies.add(
      reader.grantPrincipal,
      new iam.PolicyStatement({ actions: READ_KEY_ACTIONS, resources: [key.keyArn] }),
    );
  }
}
