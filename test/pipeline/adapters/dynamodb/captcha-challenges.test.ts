// Tests src/pipeline/adapters/dynamodb/captcha-challenges.ts on moto, and its in-memory fake by the same contract.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import type { AccountId } from '../../../../src/common/account-id';
import { AwsCallError } from '../../../../src/common/errors';
import { DynamoCaptchaChallenges } from '../../../../src/pipeline/adapters/dynamodb/captcha-challenges';
import { StateTable } from '../../../../src/pipeline/adapters/dynamodb/table';
import { MemoryCaptchaChallenges } from '../../../support/fakes';
import { describeCaptchaChallenges, freshStateTable } from '../../../support/port-contracts';

describeCaptchaChallenges(
  'DynamoCaptchaChallenges',
  async () => new DynamoCaptchaChallenges(await freshStateTable('captcha')),
);
describeCaptchaChallenges('MemoryCaptchaChallenges', async () => new MemoryCaptchaChallenges());

const T = Date.UTC(2026, 2, 1, 12);
const challenge = {
  id: 'c-1',
  accountId: '000000000001' as AccountId,
  teardownId: 't-1',
  imageRef: 'captcha/t-1/c-1.png',
  createdAt: T,
  expiresAt: T + 900_000,
};

it("lets the table's TTL remove a challenge a day after its deadline, and keeps it out of the teardowns' index", async () => {
  const table = await freshStateTable('captcha');
  await new DynamoCaptchaChallenges(table).open(challenge);
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: { pk: 'CAPTCHA#c-1', sk: 'CHALLENGE' } }),
  );
  // The TTL attribute counts seconds; the byStatus index takes items that have `status` and `createdAt`.
  expect(Item?.expiresAt).toBe((challenge.expiresAt + 86_400_000) / 1000);
  expect(Item).not.toHaveProperty('status');
  expect(Item).not.toHaveProperty('createdAt');
});

it('never repeats the answer in the error of a failed call', async () => {
  const missing = new DynamoCaptchaChallenges(new StateTable(new DynamoDBClient({}), 'no-such-table'));
  const error = await missing
    .answer('c-1', { teardownId: 't-1', answer: 'xk4pq-secret', by: 'UALICE', now: T })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  expect(String((error as Error).message)).not.toContain('xk4pq-secret');
  expect(String(((error as Error).cause as Error).message)).not.toContain('xk4pq-secret');
});
