import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import definition from '../../../../infra/state-table.json' with { type: 'json' };

/**
 * The table's one definition lives in infra/state-table.json (CloudFormation properties), used by
 * serverless.yml as it is and here for tests and the local stack.
 */
export const STATUS_INDEX = 'byStatus';
export const TTL_ATTRIBUTE = definition.TimeToLiveSpecification.AttributeName;

function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: definition.BillingMode as 'PAY_PER_REQUEST',
    AttributeDefinitions: definition.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: definition.KeySchema as CreateTableCommandInput['KeySchema'],
    GlobalSecondaryIndexes:
      definition.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'],
    SSESpecification: { Enabled: definition.SSESpecification.SSEEnabled },
  };
}

/** Creates the state table as deployed (keys, index, TTL); for tests and the local stack. */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TableDescription } = await client.send(new CreateTableCommand(createTableInput(tableName)));
  // DynamoDB creates a table in seconds (CREATING); a stand-in may have it ACTIVE at once: no need to wait then.
  if (TableDescription?.TableStatus !== 'ACTIVE') {
    await waitUntilTableExists(
      { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { TableName: tableName },
    );
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}
