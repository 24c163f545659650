import { traced } from '../common/tracing';
import type { SecretReader } from './settings';

/**
 * Reads the Slack secret from Secrets Manager, once per container. The SDK client is loaded only when a secret
 * is configured, so a bot configured by environment variables does not pay for it at cold start.
 */
export function secretsManagerReader(region?: string): SecretReader {
  return async (secretId) => {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const client = traced(new SecretsManagerClient(region ? { region } : {}));
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (typeof SecretString !== 'string') throw new Error('the secret has no SecretString');
      return SecretString;
    } finally {
      client.destroy();
    }
  };
}
