import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { DataPorts } from '../ports/data-ports';
import { DynamoCaptchaChallenges } from './dynamodb/captcha-challenges';
import { DynamoCloseLedger } from './dynamodb/close-ledger';
import { DynamoIdempotencyKeys } from './dynamodb/idempotency-keys';
import { DynamoPhoneLineLeases } from './dynamodb/phone-line-leases';
import { StateTable } from './dynamodb/table';
import { DynamoTeardownStore } from './dynamodb/teardown-store';
import { OrganizationsGateway } from './organizations-gateway';

/** The data ports on AWS: the state table (DynamoDB) holds all but Organizations. */
export function awsDataPorts(clients: {
  dynamodb: DynamoDBClient;
  organizations: OrganizationsClient;
  tableName: string;
  clock?: () => number;
}): DataPorts {
  const table = new StateTable(clients.dynamodb, clients.tableName);
  return {
    teardowns: new DynamoTeardownStore(table),
    ledger: new DynamoCloseLedger(table),
    idempotency: new DynamoIdempotencyKeys(table, clients.clock),
    orgs: new OrganizationsGateway(clients.organizations),
    captchaChallenges: new DynamoCaptchaChallenges(table),
    phoneLines: new DynamoPhoneLineLeases(table),
  };
}
