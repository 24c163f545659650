import type { SecretReader } from './config';

/**
 * Reads a secret through the AWS Parameters and Secrets Lambda Extension (a layer serving Secrets Manager on
 * localhost, with its own cache): no SDK client to load at cold start. The extension authenticates the caller
 * by the function's session token.
 */
export function extensionSecretReader(env: Record<string, string | undefined> = process.env): SecretReader {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT || '2773';
  return async (secretId) => {
    const response = await fetch(
      `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
      { headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' } },
    );
    if (!response.ok) throw new Error(`the secrets extension answered ${response.status}`);
    const body = (await response.json()) as { SecretString?: unknown };
    if (typeof body.SecretString !== 'string') throw new Error('the secret has no SecretString');
    return body.SecretString;
  };
}
