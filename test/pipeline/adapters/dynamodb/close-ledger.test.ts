// Tests src/pipeline/adapters/dynamodb/close-ledger.ts on moto.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, expect, it } from 'vitest';
import type { AccountId } from '../../../../src/common/account-id';
import { DynamoCloseLedger } from '../../../../src/pipeline/adapters/dynamodb/close-ledger';
import { createStateTable } from '../../../../src/pipeline/adapters/dynamodb/state-table';
import { StateTable } from '../../../../src/pipeline/adapters/dynamodb/table';
import { CLOSE_WINDOW_MS } from '../../../../src/pipeline/ports/close-ledger';

let ledger: DynamoCloseLedger;
beforeEach(async () => {
  const client = new DynamoDBClient({});
  const table = `ledger-${randomUUID().slice(0, 8)}`;
  await createStateTable(client, table);
  ledger = new DynamoCloseLedger(new StateTable(client, table));
});

const id = (n: number) => String(n).padStart(12, '0') as AccountId;

it('keeps the close ledger for the 30-day window', async () => {
  const now = Date.now();
  await ledger.recordClose({ accountId: id(1), teardownId: 'a', closedAt: now - CLOSE_WINDOW_MS - 1000 });
  await ledger.recordClose({ accountId: id(2), teardownId: 'b', closedAt: now - 5 * 86_400_000 });
  await ledger.recordClose({ accountId: id(3), teardownId: 'c', closedAt: now - 1000 });
  // The same teardown's close recorded again (a retried step) is still one entry.
  await ledger.recordClose({ accountId: id(3), teardownId: 'c', closedAt: now - 500 });
  const inWindow = await ledger.closesSince(now - CLOSE_WINDOW_MS);
  expect(inWindow.map((c) => c.accountId)).toEqual([id(2), id(3)]);
});
