// Tests src/console/adapters/secrets-manager-root-credentials.ts on moto.
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { expect, it } from 'vitest';
import type { AccountId } from '../../../src/common/account-id';
import { AwsCallError } from '../../../src/common/errors';
import {
  ROOT_PASSWORD_EXCLUDED_CHARACTERS,
  SecretsManagerRootCredentials,
} from '../../../src/console/adapters/secrets-manager-root-credentials';

const client = new SecretsManagerClient({});
const T = Date.UTC(2026, 2, 1, 12);
const credentials = new SecretsManagerRootCredentials(client, { prefix: 'sandbox-teardown', now: () => T });

let nextAccount = 100;
const freshAccount = () => String(nextAccount++).padStart(12, '0') as AccountId;

async function rawSecret(accountId: AccountId): Promise<Record<string, unknown>> {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: `sandbox-teardown/root/${accountId}` }),
  );
  return JSON.parse(SecretString ?? 'null');
}

// The symbols AWS accepts in a root password, less the ones we leave out for forms and quoting.
const ALLOWED = /^[A-Za-z0-9!@#$%^*()[\]{}|_+=-]+$/;

it('generates passwords the console accepts: 32 characters, every character class, nothing excluded', async () => {
  const account = freshAccount();
  for (let i = 0; i < 5; i++) {
    const password = await credentials.newPassword(account);
    expect(password).toHaveLength(32);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[0-9]/);
    expect(password).toMatch(/[^A-Za-z0-9]/);
    expect(password).toMatch(ALLOWED);
    for (const excluded of ROOT_PASSWORD_EXCLUDED_CHARACTERS) expect(password).not.toContain(excluded);
    for (const excluded of `"'\`\\/<>& `) expect(password).not.toContain(excluded);
  }
});

it('takes another length from 8 to 128 and refuses one the console would not accept', async () => {
  const short = new SecretsManagerRootCredentials(client, { prefix: 'sandbox-teardown', passwordLength: 8 });
  expect(await short.newPassword(freshAccount())).toHaveLength(8);
  expect(() => new SecretsManagerRootCredentials(client, { prefix: 'p', passwordLength: 7 })).toThrow(
    RangeError,
  );
  expect(() => new SecretsManagerRootCredentials(client, { prefix: 'p', passwordLength: 129 })).toThrow(
    RangeError,
  );
});

it('has stored the new password in the account secret by the time it returns it, tagged for the account', async () => {
  const account = freshAccount();
  const first = await credentials.newPassword(account);
  expect(await rawSecret(account)).toEqual({ password: first, passwordSetAt: new Date(T).toISOString() });
  const second = await credentials.newPassword(account);
  expect(second).not.toBe(first);
  expect((await rawSecret(account)).password).toBe(second);
  expect(await credentials.password(account)).toBe(second);

  const described = await client.send(
    new DescribeSecretCommand({ SecretId: `sandbox-teardown/root/${account}` }),
  );
  expect(described.Tags).toEqual(
    expect.arrayContaining([
      { Key: 'sandbox-teardown:account', Value: account },
      { Key: 'sandbox-teardown:kind', Value: 'root-credentials' },
    ]),
  );
});

it('keeps the password when the MFA key is saved, and the MFA key when a new password comes', async () => {
  const account = freshAccount();
  const password = await credentials.newPassword(account);
  await credentials.saveMfaKey(account, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  expect(await credentials.password(account)).toBe(password);
  expect(await credentials.mfaKey(account)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');

  const other = freshAccount();
  await credentials.saveMfaKey(other, 'KRSXG5CTMVRXEZLU');
  const later = await credentials.newPassword(other);
  expect(await rawSecret(other)).toEqual({
    mfaKey: 'KRSXG5CTMVRXEZLU',
    mfaRegisteredAt: new Date(T).toISOString(),
    password: later,
    passwordSetAt: new Date(T).toISOString(),
  });
  expect(await credentials.mfaKey(other)).toBe('KRSXG5CTMVRXEZLU');
});

it('knows no password or MFA key of an account it never stored any for', async () => {
  const account = freshAccount();
  expect(await credentials.password(account)).toBeUndefined();
  expect(await credentials.mfaKey(account)).toBeUndefined();
  await credentials.saveMfaKey(account, 'KRSXG5CTMVRXEZLU');
  expect(await credentials.password(account)).toBeUndefined();
});

it('reads a secret scheduled for deletion as empty, and on a new write restores it keeping what it held', async () => {
  const account = freshAccount();
  await credentials.saveMfaKey(account, 'KRSXG5CTMVRXEZLU');
  await client.send(
    new DeleteSecretCommand({ SecretId: `sandbox-teardown/root/${account}`, RecoveryWindowInDays: 7 }),
  );
  expect(await credentials.mfaKey(account)).toBeUndefined();
  expect(await credentials.password(account)).toBeUndefined();
  const password = await credentials.newPassword(account);
  expect(await credentials.password(account)).toBe(password);
  expect(await credentials.mfaKey(account)).toBe('KRSXG5CTMVRXEZLU');
  const described = await client.send(
    new DescribeSecretCommand({ SecretId: `sandbox-teardown/root/${account}` }),
  );
  expect(described.DeletedDate).toBeUndefined();
});

it('refuses to overwrite a secret it cannot read, and never shows what it holds', async () => {
  const account = freshAccount();
  await credentials.saveMfaKey(account, 'KRSXG5CTMVRXEZLU');
  await client.send(
    new PutSecretValueCommand({
      SecretId: `sandbox-teardown/root/${account}`,
      SecretString: 'hunter2-by-hand',
    }),
  );
  const error = await credentials.newPassword(account).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  expect((error as AwsCallError).message).not.toContain('hunter2');
  expect(
    (await client.send(new GetSecretValueCommand({ SecretId: `sandbox-teardown/root/${account}` })))
      .SecretString,
  ).toBe('hunter2-by-hand');
});

it('hands out no password it could not store, and never repeats it in the error', async () => {
  // A client whose writes fail with a message that (unlike the real service's) repeats the password.
  const failing = new SecretsManagerClient({});
  let generated = '';
  failing.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutSecretValueCommand' || context.commandName === 'CreateSecretCommand') {
        const error = new Error(`rejected ${(args.input as { SecretString?: string }).SecretString}`);
        error.name = 'ThrottlingException';
        throw error;
      }
      const result = await next(args);
      if (context.commandName === 'GetRandomPasswordCommand') {
        generated = (result.output as { RandomPassword?: string }).RandomPassword ?? '';
      }
      return result;
    },
    { step: 'initialize', name: 'failWrites' },
  );
  const account = freshAccount();
  const error = await new SecretsManagerRootCredentials(failing, { prefix: 'sandbox-teardown' })
    .newPassword(account)
    .catch((e: unknown) => e);
  expect(generated).toHaveLength(32);
  expect(error).toBeInstanceOf(AwsCallError);
  expect((error as AwsCallError).retryable).toBe(true);
  expect((error as AwsCallError).cause).toBeInstanceOf(Error);
  expect((error as AwsCallError).message).toContain('[hidden]');
  expect((error as AwsCallError).message).not.toContain(generated);
  expect(await credentials.password(account)).toBeUndefined();
});
