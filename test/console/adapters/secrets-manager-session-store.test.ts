// Tests src/console/adapters/secrets-manager-session-store.ts (the store and its cleaner) on moto.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { expect, it } from 'vitest';
import type { AccountId } from '../../../src/common/account-id';
import { AwsCallError } from '../../../src/common/errors';
import {
  SecretsManagerSessionStore,
  sessionCleaner,
} from '../../../src/console/adapters/secrets-manager-session-store';
import type { SavedCookie } from '../../../src/console/ports';
import { stepContext, teardownAt } from '../../support/fakes';

const client = new SecretsManagerClient({});
const store = new SecretsManagerSessionStore(client, { prefix: 'sandbox-teardown' });
const A = '000000000001' as AccountId;
const B = '000000000002' as AccountId;

const cookies: SavedCookie[] = [
  {
    name: 'aws-userInfo',
    value: 'signed-in-as-root-0001',
    domain: '.amazon.com',
    path: '/',
    expires: 1_775_000_000,
    httpOnly: false,
    secure: true,
    sameSite: 'Lax',
  },
  {
    name: 'aws-creds',
    value: 'opaque-session-value-0001',
    domain: 'signin.aws.amazon.com',
    path: '/oauth',
    expires: -1,
    httpOnly: true,
    secure: true,
  },
];

it('gives back the cookies it saved, and the latest ones after another save', async () => {
  await store.save('t1', A, cookies);
  expect(await store.load('t1', A)).toEqual(cookies);
  const renewed = [{ ...cookies[0], value: 'renewed-session-0001' } as SavedCookie];
  await store.save('t1', A, renewed);
  expect(await store.load('t1', A)).toEqual(renewed);
});

it('keeps each session in its own secret, tagged with account, teardown and kind', async () => {
  await store.save('t2', A, cookies);
  const name = 'sandbox-teardown/session/000000000001/t2';
  expect(store.secretName('t2', A)).toBe(name);
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name }));
  expect(JSON.parse(SecretString ?? 'null')).toEqual(cookies);
  const { Tags } = await client.send(new DescribeSecretCommand({ SecretId: name }));
  expect(Tags).toEqual(
    expect.arrayContaining([
      { Key: 'sandbox-teardown:account', Value: A },
      { Key: 'sandbox-teardown:teardown', Value: 't2' },
      { Key: 'sandbox-teardown:kind', Value: 'session' },
    ]),
  );
});

it('encrypts sessions with the KMS key it is given', async () => {
  const withKey = new SecretsManagerSessionStore(client, {
    prefix: 'keyed',
    kmsKeyId: 'alias/sandbox-teardown',
  });
  await withKey.save('t3', A, cookies);
  const { KmsKeyId } = await client.send(
    new DescribeSecretCommand({ SecretId: 'keyed/session/000000000001/t3' }),
  );
  expect(KmsKeyId).toBe('alias/sandbox-teardown');
  expect(await withKey.load('t3', A)).toEqual(cookies);
});

it('has no session for a teardown that never saved one', async () => {
  expect(await store.load('never-saved', A)).toBeUndefined();
});

it('deletes a session for good: loading finds none, deleting again or deleting a missing one is fine', async () => {
  await store.save('t4', A, cookies);
  await store.delete('t4', A);
  expect(await store.load('t4', A)).toBeUndefined();
  await store.delete('t4', A);
  await store.delete('never-saved', A);
  const described = await client
    .send(new DescribeSecretCommand({ SecretId: store.secretName('t4', A) }))
    .catch((e: unknown) => e);
  expect((described as Error).name).toBe('ResourceNotFoundException');
  // A browser step that runs after the deletion (a retry) can save a new session under the same name.
  await store.save('t4', A, cookies);
  expect(await store.load('t4', A)).toEqual(cookies);
});

it('finds no session in a secret scheduled for deletion, and deletes it at once when asked', async () => {
  await store.save('t5', A, cookies);
  await client.send(
    new DeleteSecretCommand({ SecretId: store.secretName('t5', A), RecoveryWindowInDays: 7 }),
  );
  expect(await store.load('t5', A)).toBeUndefined();
  await store.delete('t5', A);
  expect(await store.load('t5', A)).toBeUndefined();
});

it('refuses a secret that does not hold a cookie list, without showing what it holds', async () => {
  await client.send(
    new CreateSecretCommand({ Name: store.secretName('t6', A), SecretString: '{"token":"by-hand-0001"}' }),
  );
  const error = await store.load('t6', A).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  expect((error as Error).message).not.toContain('by-hand-0001');
});

it("cleans up only the finished teardown's session", async () => {
  await store.save('t7', A, cookies);
  await store.save('t8', A, cookies);
  await store.save('t7', B, cookies);
  await sessionCleaner(store)(stepContext(teardownAt('cleanup', A, { teardownId: 't7' })));
  expect(await store.load('t7', A)).toBeUndefined();
  expect(await store.load('t8', A)).toEqual(cookies);
  expect(await store.load('t7', B)).toEqual(cookies);
  // Cleanup runs again after a failure elsewhere: nothing left to delete is fine.
  await sessionCleaner(store)(stepContext(teardownAt('cleanup', A, { teardownId: 't7' })));
});
