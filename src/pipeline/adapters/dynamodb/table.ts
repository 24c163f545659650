import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { asAwsCallError } from '../../../common/errors';

// Item layout (one table, every port's items apart by key):
//   ACCOUNT#<id> / TEARDOWN                          the current teardown of the account (status, createdAt feed the index)
//   ACCOUNT#<id> / EVENT#<teardownId>#<version>      its append-only event log
//   CLOSE-LEDGER / <closedAt>#<id>                   closes made by this tool, expiring after the 30-day window
//   CLOSE-LEDGER#<teardownId> / RECORDED             the marker that keeps one ledger entry per teardown
//   ONCE#<key>   / ONCE                              idempotency keys
//   CAPTCHA#<id> / CHALLENGE                         a CAPTCHA awaiting a person's answer, kept a day past its deadline
//   LINE#<number> / LEASE                            the teardown holding a phone line, until when, and the PIN it set
//   LINE-QUEUE   / WAITERS                           teardowns waiting for a line, in order, and the queue's version
// `status` with `createdAt` puts an item into the byStatus index and `expiresAt` is the TTL (epoch seconds): other
// item kinds keep their own fields of those names under other names.

/** The state table as every DynamoDB adapter uses it: one document client, one name. */
export class StateTable {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly name: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** One item by its key, read consistently; `what` names the call in an error (never the item). */
  async getItem(what: string, key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }),
      );
      return Item;
    } catch (error) {
      throw asAwsCallError(what, error);
    }
  }

  /** Every item a key condition matches, across pages. */
  async queryAll(
    what: string,
    query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const result = await this.doc.send(
          new QueryCommand({ ...query, TableName: this.name, ExclusiveStartKey: start }),
        );
        items.push(...(result.Items ?? []));
        start = result.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      throw asAwsCallError(what, error);
    }
    return items;
  }
}

/** A single write refused by its condition (someone else wrote first, or the item is not as expected). */
export function conditionFailed(error: unknown): boolean {
  return (error as Error).name === 'ConditionalCheckFailedException';
}

/** A transaction cancelled because its first item's condition failed (someone else wrote first). */
export function conditionFailedOnFirstItem(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
  );
}
