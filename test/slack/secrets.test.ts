import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors';
import { secretsManagerReader } from '../../src/slack/secrets';
import { loadSlackSettings } from '../../src/slack/settings';

it('loads the Slack secrets from Secrets Manager (moto) when SLACK_SECRET_ID names a secret', async () => {
  const client = new SecretsManagerClient({});
  await client.send(
    new CreateSecretCommand({
      Name: 'sandbox-teardown/slack',
      SecretString: JSON.stringify({ signingSecret: 'a'.repeat(32), botToken: 'xoxb-1-2-secretvalue' }),
    }),
  );
  const settings = await loadSlackSettings(
    { SLACK_SECRET_ID: 'sandbox-teardown/slack' },
    secretsManagerReader(),
  );
  expect(settings).toMatchObject({ signingSecret: 'a'.repeat(32), botToken: 'xoxb-1-2-secretvalue' });

  const missing = await loadSlackSettings(
    { SLACK_SECRET_ID: 'no-such-secret' },
    secretsManagerReader(),
  ).catch((error: unknown) => error);
  expect(missing).toBeInstanceOf(ConfigError);
  expect((missing as ConfigError).message).toContain('SLACK_SECRET_ID="no-such-secret" could not be read');
  expect((missing as ConfigError).message).toContain('ResourceNotFoundException');
  client.destroy();
});
