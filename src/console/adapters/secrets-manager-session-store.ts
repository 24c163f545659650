import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AccountId } from '../../common/account-id';
import { AwsCallError } from '../../common/errors';
import type { Cleaner } from '../../pipeline/steps/cleanup';
import type { SavedCookie, SessionStore } from '../ports';
import { SecretValues } from './secret-values';

export interface SecretsManagerSessionStoreOptions {
  /** Names start with it: `<prefix>/session/<accountId>/<teardownId>`, e.g. `sandbox-teardown`. */
  prefix: string;
  /** The KMS key the sessions are encrypted with; Secrets Manager's own key when not set. */
  kmsKeyId?: string;
}

function isSavedCookie(value: unknown): value is SavedCookie {
  if (typeof value !== 'object' || value === null) return false;
  const cookie = value as Record<string, unknown>;
  return (
    typeof cookie.name === 'string' &&
    typeof cookie.value === 'string' &&
    typeof cookie.domain === 'string' &&
    typeof cookie.path === 'string' &&
    typeof cookie.expires === 'number' &&
    typeof cookie.httpOnly === 'boolean' &&
    typeof cookie.secure === 'boolean' &&
    (cookie.sameSite === undefined || ['Strict', 'Lax', 'None'].includes(cookie.sameSite as string))
  );
}

/**
 * The root session's cookies between browser invocations, one secret per teardown (Secrets Manager keeps it
 * encrypted with KMS). A secret scheduled for deletion counts as no session; deleting removes it at once.
 */
export class SecretsManagerSessionStore implements SessionStore {
  private readonly secrets: SecretValues;
  private readonly prefix: string;

  constructor(client: SecretsManagerClient, options: SecretsManagerSessionStoreOptions) {
    this.secrets = new SecretValues(client, options.kmsKeyId);
    this.prefix = options.prefix;
  }

  /** The name of one teardown's session secret. */
  secretName(teardownId: string, accountId: AccountId): string {
    return `${this.prefix}/session/${accountId}/${teardownId}`;
  }

  async save(teardownId: string, accountId: AccountId, cookies: SavedCookie[]): Promise<void> {
    await this.secrets.write(
      this.secretName(teardownId, accountId),
      JSON.stringify(cookies),
      [
        { Key: 'sandbox-teardown:account', Value: accountId },
        { Key: 'sandbox-teardown:teardown', Value: teardownId },
        { Key: 'sandbox-teardown:kind', Value: 'session' },
      ],
      { hidden: cookies.map((cookie) => cookie.value) },
    );
  }

  async load(teardownId: string, accountId: AccountId): Promise<SavedCookie[] | undefined> {
    const name = this.secretName(teardownId, accountId);
    const text = await this.secrets.read(name);
    if (text === undefined) return undefined;
    let cookies: unknown;
    try {
      cookies = JSON.parse(text);
    } catch {
      cookies = undefined;
    }
    if (!Array.isArray(cookies) || !cookies.every(isSavedCookie)) {
      throw new AwsCallError(
        `The secret ${name} does not hold the cookie list this product writes; delete it to sign in afresh.`,
      );
    }
    return cookies;
  }

  async delete(teardownId: string, accountId: AccountId): Promise<void> {
    await this.secrets.forceDelete(this.secretName(teardownId, accountId));
  }
}

/** The cleanup step's part for sessions: the teardown's saved root session is deleted at once. */
export function sessionCleaner(store: SessionStore): Cleaner {
  return async ({ teardown }) => {
    await store.delete(teardown.teardownId, teardown.accountId);
  };
}
