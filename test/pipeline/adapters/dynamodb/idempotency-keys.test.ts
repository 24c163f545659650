// Tests src/pipeline/adapters/dynamodb/idempotency-keys.ts on moto.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, expect, it } from 'vitest';
import { DynamoIdempotencyKeys } from '../../../../src/pipeline/adapters/dynamodb/idempotency-keys';
import { createStateTable } from '../../../../src/pipeline/adapters/dynamodb/state-table';
import { StateTable } from '../../../../src/pipeline/adapters/dynamodb/table';

let clock = Date.now();
let keys: DynamoIdempotencyKeys;
beforeEach(async () => {
  const client = new DynamoDBClient({});
  const table = `once-${randomUUID().slice(0, 8)}`;
  await createStateTable(client, table);
  keys = new DynamoIdempotencyKeys(new StateTable(client, table), () => clock);
});

it('claims an idempotency key once', async () => {
  const results = await Promise.all(
    Array.from({ length: 10 }, () => keys.claimOnce('slack-retry-abc', 60_000)),
  );
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await keys.claimOnce('slack-retry-other', 60_000)).toBe(true);
});

it('lets a key be claimed again once its time to live has passed', async () => {
  expect(await keys.claimOnce('slack-command#trigger-1', 60_000)).toBe(true);
  expect(await keys.claimOnce('slack-command#trigger-1', 60_000)).toBe(false);
  clock += 61_000;
  expect(await keys.claimOnce('slack-command#trigger-1', 60_000)).toBe(true);
});

it('lets a released key be claimed again at once (the work it guarded failed)', async () => {
  expect(await keys.claimOnce('mail:abc', 60_000)).toBe(true);
  await keys.release('mail:abc');
  await keys.release('mail:never-claimed');
  expect(await keys.claimOnce('mail:abc', 60_000)).toBe(true);
  expect(await keys.claimOnce('mail:abc', 60_000)).toBe(false);
});
