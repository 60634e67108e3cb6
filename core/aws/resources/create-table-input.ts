import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';
import type {
  GlobalSecondaryIndexDefinition,
  KeyDefinition,
  TableDefinition,
} from '#core/aws/resources/resource-definitions.ts';

// SDK shapes built from resource-definitions.ts, for code that creates tables through the SDK (the
// local stack). The CDK stack maps the same definitions onto its own constructs.

function keySchema(partitionKey: KeyDefinition, sortKey?: KeyDefinition): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey.name, KeyType: 'HASH' }];
  if (sortKey) schema.push({ AttributeName: sortKey.name, KeyType: 'RANGE' });
  return schema;
}

function attributeDefinitions(def: TableDefinition): AttributeDefinition[] {
  const keys: KeyDefinition[] = [def.partitionKey];
  if (def.sortKey) keys.push(def.sortKey);
  for (const index of def.globalSecondaryIndexes) {
    keys.push(index.partitionKey);
    if (index.sortKey) keys.push(index.sortKey);
  }
  // CreateTable rejects an attribute defined twice, even with the same type.
  const byName = new Map(keys.map((key) => [key.name, key.type]));
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

function globalSecondaryIndex(index: GlobalSecondaryIndexDefinition): GlobalSecondaryIndex {
  const projection = index.projection;
  return {
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection:
      projection.type === 'INCLUDE'
        ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.nonKeyAttributes] }
        : { ProjectionType: projection.type },
  };
}

export function toCreateTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const indexes = def.globalSecondaryIndexes.map(globalSecondaryIndex);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(def.partitionKey, def.sortKey),
    AttributeDefinitions: attributeDefinitions(def),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
  };
}

/** TTL is not part of CreateTable: it is switched on by a separate UpdateTimeToLive call. */
export function toUpdateTimeToLiveInput(
  def: TableDefinition,
  tableName: string,
): UpdateTimeToLiveCommandInput {
  return {
    TableName: tableName,
    TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
  };
}
