import { GetRandomPasswordCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AccountId } from '../../common/account-id';
import { AwsCallError } from '../../common/errors';
import type { RootCredentials } from '../ports';
import { type SecretFound, SecretValues, secretCallError } from './secret-values';

/** What the account's secret holds, as JSON. Times are ISO 8601. */
interface StoredRootCredentials {
  password?: string;
  mfaKey?: string;
  passwordSetAt?: string;
  mfaRegisteredAt?: string;
}

/**
 * Characters left out of generated passwords. AWS accepts only `! @ # $ % ^ & * ( ) < > [ ] { } | _ + - =` as
 * symbols in a root password, so the rest of Secrets Manager's punctuation goes (quotes, backslash and slash
 * among them, which would break typing and quoting too); `<`, `>` and `&` go as well, as HTML forms and shells
 * treat them specially. No whitespace either.
 */
export const ROOT_PASSWORD_EXCLUDED_CHARACTERS = `"'\`\\/<>&,.:;?~ \t\n`;

// A hand-edited secret may hold anything in a field; only a non-empty string is a usable value.
const textOrUndefined = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The console accepts root passwords of 8 to 128 characters. */
const MIN_LENGTH = 8;
const MAX_LENGTH = 128;

export interface SecretsManagerRootCredentialsOptions {
  /** Names start with it: `<prefix>/root/<accountId>`, e.g. `sandbox-teardown`. */
  prefix: string;
  /** The KMS key new secrets are encrypted with; Secrets Manager's own key when not set. */
  kmsKeyId?: string;
  /** Length of generated passwords, 8 to 128; 32 when not set. */
  passwordLength?: number;
  now?: () => number;
}

/**
 * Root credentials in Secrets Manager, one JSON secret per account. Every write reads the secret and merges
 * into it, so storing a password keeps the MFA key and the other way round. Writers of one account's secret run
 * one at a time (one teardown per account, one step at a time), which is what makes read-merge-write safe.
 */
export class SecretsManagerRootCredentials implements RootCredentials {
  private readonly secrets: SecretValues;
  private readonly prefix: string;
  private readonly passwordLength: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SecretsManagerClient,
    options: SecretsManagerRootCredentialsOptions,
  ) {
    const length = options.passwordLength ?? 32;
    if (!Number.isInteger(length) || length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new RangeError(`passwordLength must be a whole number from ${MIN_LENGTH} to ${MAX_LENGTH}`);
    }
    this.secrets = new SecretValues(client, options.kmsKeyId);
    this.prefix = options.prefix;
    this.passwordLength = length;
    this.now = options.now ?? Date.now;
  }

  /** The name of the account's secret. */
  secretName(accountId: AccountId): string {
    return `${this.prefix}/root/${accountId}`;
  }

  async forget(accountId: AccountId): Promise<void> {
    await this.secrets.forceDelete(this.secretName(accountId));
  }

  async newPassword(accountId: AccountId): Promise<string> {
    const password = await this.generatePassword();
    await this.update(accountId, { password, passwordSetAt: new Date(this.now()).toISOString() });
    return password;
  }

  async password(accountId: AccountId): Promise<string | undefined> {
    return textOrUndefined((await this.stored(accountId)).password);
  }

  async saveMfaKey(accountId: AccountId, base32Key: string): Promise<void> {
    await this.update(accountId, { mfaKey: base32Key, mfaRegisteredAt: new Date(this.now()).toISOString() });
  }

  async mfaKey(accountId: AccountId): Promise<string | undefined> {
    return textOrUndefined((await this.stored(accountId)).mfaKey);
  }

  private async generatePassword(): Promise<string> {
    let password: string | undefined;
    try {
      ({ RandomPassword: password } = await this.client.send(
        new GetRandomPasswordCommand({
          PasswordLength: this.passwordLength,
          ExcludeCharacters: ROOT_PASSWORD_EXCLUDED_CHARACTERS,
          IncludeSpace: false,
          RequireEachIncludedType: true,
        }),
      ));
    } catch (error) {
      throw secretCallError('Generating a root password', error);
    }
    if (typeof password !== 'string' || password.length !== this.passwordLength) {
      throw new AwsCallError(
        'Generating a root password failed: Secrets Manager gave no password of the asked length.',
        {
          retryable: true,
        },
      );
    }
    return password;
  }

  private async stored(accountId: AccountId): Promise<StoredRootCredentials> {
    return (await this.storedWithStatus(accountId)).credentials;
  }

  private async storedWithStatus(
    accountId: AccountId,
  ): Promise<{ credentials: StoredRootCredentials; status: SecretFound['status'] }> {
    const name = this.secretName(accountId);
    const found = await this.secrets.get(name);
    if (found.status !== 'present') return { credentials: {}, status: found.status };
    let parsed: unknown;
    try {
      parsed = JSON.parse(found.value);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      // Never overwrite what we cannot read: it may be the only copy of a password someone put there.
      throw new AwsCallError(
        `The secret ${name} does not hold the JSON object this product writes; fix or delete it in Secrets Manager.`,
      );
    }
    return { credentials: parsed as StoredRootCredentials, status: 'present' };
  }

  private async update(accountId: AccountId, changes: StoredRootCredentials): Promise<void> {
    let { credentials, status } = await this.storedWithStatus(accountId);
    if (status === 'scheduled-for-deletion') {
      // Whoever scheduled the deletion did not expect another write: keep what the secret held, then merge.
      await this.secrets.restore(this.secretName(accountId));
      ({ credentials, status } = await this.storedWithStatus(accountId));
    }
    const merged: StoredRootCredentials = { ...credentials, ...changes };
    const tags = [
      { Key: 'sandbox-teardown:account', Value: accountId },
      { Key: 'sandbox-teardown:kind', Value: 'root-credentials' },
    ];
    await this.secrets.write(this.secretName(accountId), JSON.stringify(merged), tags, {
      hidden: [merged.password ?? '', merged.mfaKey ?? ''],
      found: status,
    });
  }
}
