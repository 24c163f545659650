import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { asAwsCallError } from '../../../common/errors';
import type { IdempotencyKeys } from '../../ports/idempotency-keys';
import { TTL_ATTRIBUTE } from './state-table';
import { conditionFailed, type StateTable } from './table';

/** Idempotency keys as items with a time to live: one conditional put decides who was first. */
export class DynamoIdempotencyKeys implements IdempotencyKeys {
  constructor(
    private readonly table: StateTable,
    private readonly clock: () => number = Date.now,
  ) {}

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock();
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { pk: `ONCE#${key}`, sk: 'ONCE', [TTL_ATTRIBUTE]: Math.floor((now + ttlMs) / 1000) },
          // An expired key (TTL deletion is lazy) may be claimed again.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw asAwsCallError('Claiming an idempotency key', error);
    }
  }

  async release(key: string): Promise<void> {
    try {
      await this.table.doc.send(
        new DeleteCommand({ TableName: this.table.name, Key: { pk: `ONCE#${key}`, sk: 'ONCE' } }),
      );
    } catch (error) {
      throw asAwsCallError('Releasing an idempotency key', error);
    }
  }
}
