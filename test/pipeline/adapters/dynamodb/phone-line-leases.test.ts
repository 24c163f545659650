// Tests src/pipeline/adapters/dynamodb/phone-line-leases.ts on moto, and its in-memory fake by the same contract.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import type { AccountId } from '../../../../src/common/account-id';
import { AwsCallError } from '../../../../src/common/errors';
import { DynamoPhoneLineLeases } from '../../../../src/pipeline/adapters/dynamodb/phone-line-leases';
import { StateTable } from '../../../../src/pipeline/adapters/dynamodb/table';
import { MemoryPhoneLineLeases } from '../../../support/fakes';
import { describePhoneLineLeases, freshStateTable } from '../../../support/port-contracts';

describePhoneLineLeases(
  'DynamoPhoneLineLeases',
  async () => new DynamoPhoneLineLeases(await freshStateTable('lines')),
);
describePhoneLineLeases('MemoryPhoneLineLeases', async () => new MemoryPhoneLineLeases());

const T = Date.UTC(2026, 2, 1, 12);

/** An item of the state table as stored. */
const storedItem = async (table: StateTable, Key: { pk: string; sk: string }) =>
  (await table.doc.send(new GetCommand({ TableName: table.name, Key }))).Item;
const A = { accountId: '000000000001' as AccountId, teardownId: 't-1' };

it("lets the table's TTL remove a lease, PIN included, once it has lapsed; a release removes it at once", async () => {
  const table = await freshStateTable('lines');
  const leases = new DynamoPhoneLineLeases(table);
  const stored = () => storedItem(table, { pk: 'LINE#+15550100', sk: 'LEASE' });
  await leases.lease(['+15550100'], A, T, 60_000);
  await leases.setPin('+15550100', A, '4821', T);
  // The TTL attribute counts seconds.
  expect((await stored())?.expiresAt).toBe((T + 60_000) / 1000);
  await leases.renew('+15550100', A, T + 30_000, 60_000);
  expect((await stored())?.expiresAt).toBe((T + 90_000) / 1000);
  await leases.release('+15550100', A);
  expect(await stored()).toBeUndefined();
});

it('never repeats the PIN in the error of a failed call', async () => {
  const missing = new DynamoPhoneLineLeases(new StateTable(new DynamoDBClient({}), 'no-such-table'));
  const error = await missing.setPin('+15550100', A, '482193', T).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  expect(String((error as Error).message)).not.toContain('482193');
  expect(String(((error as Error).cause as Error).message)).not.toContain('482193');
});

it('never repeats the code in the error of a failed call', async () => {
  const missing = new DynamoPhoneLineLeases(new StateTable(new DynamoDBClient({}), 'no-such-table'));
  const error = await missing.setCode('+15550100', A, '705512', T).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  expect(String((error as Error).message)).not.toContain('705512');
  expect(String(((error as Error).cause as Error).message)).not.toContain('705512');
});

it('does not write the queue again for a waiter whose place has more than half its time left', async () => {
  const table = await freshStateTable('lines');
  const leases = new DynamoPhoneLineLeases(table);
  const queueVersion = async () => (await storedItem(table, { pk: 'LINE-QUEUE', sk: 'WAITERS' }))?.version;
  const B = { accountId: '000000000002' as AccountId, teardownId: 't-2' };
  await leases.lease(['+15550100'], A, T, 60 * 60_000);
  await leases.lease(['+15550100'], B, T, 10 * 60_000);
  const queued = await queueVersion();
  // Looks every few seconds, as a teardown next in line does: nothing is written, so grants do not race them.
  for (const later of [1_000, 2_000, 4 * 60_000]) {
    expect(await leases.lease(['+15550100'], B, T + later, 10 * 60_000)).toBeUndefined();
    expect(await leases.place(['+15550100'], B, T + later, 10 * 60_000)).toBe(1);
  }
  expect(await queueVersion()).toBe(queued);
  // Past half its time, a look keeps the place for another ten minutes.
  await leases.place(['+15550100'], B, T + 6 * 60_000, 10 * 60_000);
  expect(await queueVersion()).toBe((queued ?? 0) + 1);
  expect(await leases.position(B, T + 15 * 60_000)).toBe(1);
});
