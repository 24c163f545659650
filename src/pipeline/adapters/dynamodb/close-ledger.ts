import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountId } from '../../../common/account-id';
import { asAwsCallError } from '../../../common/errors';
import { CLOSE_WINDOW_MS, type CloseLedger, type CloseRecord } from '../../ports/close-ledger';
import { TTL_ATTRIBUTE } from './state-table';
import { conditionFailedOnFirstItem, type StateTable } from './table';

const LEDGER = 'CLOSE-LEDGER';

/** The close-quota ledger in the state table; entries expire (TTL) when they leave the 30-day window. */
export class DynamoCloseLedger implements CloseLedger {
  constructor(private readonly table: StateTable) {}

  async recordClose(record: CloseRecord): Promise<void> {
    const expiresAt = Math.floor((record.closedAt + CLOSE_WINDOW_MS) / 1000);
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // The marker makes the entry once per teardown, however often its close step runs.
              Put: {
                TableName: this.table.name,
                Item: { pk: `${LEDGER}#${record.teardownId}`, sk: 'RECORDED', [TTL_ATTRIBUTE]: expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table.name,
                Item: {
                  pk: LEDGER,
                  sk: `${String(record.closedAt).padStart(15, '0')}#${record.accountId}`,
                  ...record,
                  [TTL_ATTRIBUTE]: expiresAt,
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (conditionFailedOnFirstItem(error)) return;
      throw asAwsCallError('Recording the close in the quota ledger', error);
    }
  }

  async closesSince(since: number): Promise<CloseRecord[]> {
    const items = await this.table.queryAll('Reading the close-quota ledger', {
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: { ':pk': LEDGER, ':since': String(since).padStart(15, '0') },
    });
    return items.map((item) => ({
      accountId: item.accountId as AccountId,
      teardownId: item.teardownId as string,
      closedAt: item.closedAt as number,
    }));
  }
}
