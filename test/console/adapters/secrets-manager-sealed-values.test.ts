// Tests src/console/adapters/secrets-manager-sealed-values.ts on moto.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expect, it } from 'vitest';
import type { AccountId } from '../../../src/common/account-id';
import { SecretsManagerSealedValues } from '../../../src/console/adapters/secrets-manager-sealed-values';

const client = new SecretsManagerClient({});
const sealed = new SecretsManagerSealedValues(client, { prefix: 'sealed-test' });
const owner = { accountId: '123456789012' as AccountId, teardownId: 'mx2yoxh0-df148a8d' };
const LINK = 'https://signin.aws.amazon.com/resetpassword?type=RootUser&token=AYADeSealedToken';

it('keeps a value in its own secret and hands out a reference that holds nothing of it', async () => {
  const reference = await sealed.seal(owner, 'reset-link', LINK);
  expect(reference).toBe('sealed:123456789012/mx2yoxh0-df148a8d/reset-link');
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: 'sealed-test/sealed/123456789012/mx2yoxh0-df148a8d/reset-link' }),
  );
  expect(SecretString).toBe(LINK);
  expect(await sealed.open(reference)).toBe(LINK);
});

it('forgets a value once used, and every value of a teardown at cleanup', async () => {
  const link = await sealed.seal(owner, 'reset-link', LINK);
  const code = await sealed.seal(owner, 'sign-in-code', '493817');
  await sealed.drop(link);
  expect(await sealed.open(link)).toBeUndefined();
  expect(await sealed.open(code)).toBe('493817');
  await sealed.dropAll(owner);
  await sealed.dropAll(owner);
  expect(await sealed.open(code)).toBeUndefined();
});

it('opens nothing for what is not one of its references', async () => {
  expect(await sealed.open('sealed:../../etc/passwd')).toBeUndefined();
  expect(await sealed.open(LINK)).toBeUndefined();
});
