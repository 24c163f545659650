import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AccountId } from '../../../common/account-id';
import { asAwsCallError, ConflictError, TeardownExistsError } from '../../../common/errors';
import type { Page, Teardown, TeardownEvent, TeardownStatus } from '../../model';
import type { TeardownStore } from '../../ports/teardown-store';
import { STATUS_INDEX, TTL_ATTRIBUTE } from './state-table';
import { conditionFailed, conditionFailedOnFirstItem, type StateTable } from './table';

const CURRENT = 'TEARDOWN';
const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;
const eventKey = (teardownId: string, version: number) =>
  `EVENT#${teardownId}#${String(version).padStart(10, '0')}`;

const EVENT_RETENTION_MS = 400 * 86_400_000;

function toItem(teardown: Teardown) {
  return { pk: accountKey(teardown.accountId), sk: CURRENT, ...teardown };
}

function fromItem(item: Record<string, unknown>): Teardown {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as Teardown;
}

function eventItem(event: TeardownEvent) {
  return {
    pk: accountKey(event.accountId),
    sk: eventKey(event.teardownId, event.version),
    ...event,
    [TTL_ATTRIBUTE]: Math.floor((event.at + EVENT_RETENTION_MS) / 1000),
  };
}

function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return cursor ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
}

/** Teardowns and their event logs in the state table (see table.ts for the item layout). */
export class DynamoTeardownStore implements TeardownStore {
  constructor(private readonly table: StateTable) {}

  async create(teardown: Teardown, event: TeardownEvent): Promise<void> {
    const input: TransactWriteCommandInput = {
      TransactItems: [
        {
          Put: {
            TableName: this.table.name,
            Item: toItem(teardown),
            // A new teardown may only replace one that has ended.
            ConditionExpression: 'attribute_not_exists(pk) OR #status <> :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':active': 'active' },
          },
        },
        { Put: { TableName: this.table.name, Item: eventItem(event) } },
      ],
    };
    try {
      await this.table.doc.send(new TransactWriteCommand(input));
    } catch (error) {
      if (conditionFailedOnFirstItem(error)) {
        const existing = await this.get(teardown.accountId);
        throw new TeardownExistsError(teardown.accountId, existing?.step ?? 'unknown');
      }
      throw asAwsCallError('Saving the new teardown', error);
    }
  }

  async get(accountId: AccountId): Promise<Teardown | undefined> {
    const item = await this.table.getItem('Reading the teardown', { pk: accountKey(accountId), sk: CURRENT });
    return item ? fromItem(item) : undefined;
  }

  async list(
    status: TeardownStatus,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<Page<Teardown>> {
    try {
      const result = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
          ScanIndexForward: false,
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor),
        }),
      );
      const page: Page<Teardown> = { items: (result.Items ?? []).map(fromItem) };
      const cursor = encodeCursor(result.LastEvaluatedKey);
      if (cursor) page.cursor = cursor;
      return page;
    } catch (error) {
      throw asAwsCallError('Listing teardowns', error);
    }
  }

  async transition(expectedVersion: number, next: Teardown, event: TeardownEvent): Promise<void> {
    if (next.version !== expectedVersion + 1) {
      throw new Error(`transition must raise the version by one (${expectedVersion} → ${next.version})`);
    }
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table.name,
                Item: toItem(next),
                ConditionExpression: '#version = :expected AND teardownId = :teardownId',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion, ':teardownId': next.teardownId },
              },
            },
            {
              Put: {
                TableName: this.table.name,
                Item: eventItem(event),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (conditionFailedOnFirstItem(error)) {
        throw new ConflictError(`The teardown of ${next.accountId} was changed by someone else first.`, {
          cause: error,
        });
      }
      // TransactionConflict, throttling, a service error: nobody else won, so the same write may be retried.
      throw asAwsCallError('Saving the teardown', error, { retryable: true });
    }
  }

  async note(event: TeardownEvent, tag: string): Promise<void> {
    // Sorted after the event of its version; a repeated tag (the same mail delivered twice) is kept once.
    const item = { ...eventItem(event), sk: `${eventKey(event.teardownId, event.version)}#${tag}` };
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (conditionFailed(error)) return;
      throw asAwsCallError('Noting an event of the teardown', error);
    }
  }

  async events(accountId: AccountId, teardownId: string): Promise<TeardownEvent[]> {
    const items = await this.table.queryAll('Reading the event log', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': accountKey(accountId), ':prefix': `EVENT#${teardownId}#` },
      ConsistentRead: true,
    });
    return items.map(
      ({ pk: _pk, sk: _sk, [TTL_ATTRIBUTE]: _ttl, ...event }) => event as unknown as TeardownEvent,
    );
  }
}
