import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { AwsCallError, asAwsCallError } from '../../common/errors';

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/**
 * Wraps a failed Secrets Manager call. The service does not echo secret values in its messages; `hidden` values
 * are masked all the same, so a changed message can never carry one into a log or a Slack thread.
 */
export function secretCallError(
  what: string,
  error: unknown,
  options: { hidden?: readonly string[]; retryable?: boolean } = {},
): AwsCallError {
  const wrapped = asAwsCallError(
    what,
    error,
    options.retryable === undefined ? {} : { retryable: options.retryable },
  );
  // Very short values (a cookie's "1") are no secret and would mangle the whole message.
  const hidden = (options.hidden ?? []).filter((value) => value.length >= 4);
  if (!hidden.some((value) => wrapped.message.includes(value))) return wrapped;
  const masked = hidden.reduce((message, value) => message.split(value).join('[hidden]'), wrapped.message);
  return new AwsCallError(masked, { cause: error, retryable: wrapped.retryable });
}

/** What reading a secret found. */
export type SecretFound =
  | { status: 'missing' }
  /** Deleted with a recovery window: it holds its name, and a value only once restored. */
  | { status: 'scheduled-for-deletion' }
  | { status: 'present'; value: string };

/**
 * String secrets addressed by name, as the console adapters keep them. A secret scheduled for deletion reads as
 * missing and is restored when written again, so a later teardown of the same account can still keep its values.
 */
export class SecretValues {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly kmsKeyId?: string,
  ) {}

  async get(name: string): Promise<SecretFound> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      if (typeof SecretString !== 'string') {
        throw new AwsCallError(`The secret ${name} holds no text value; it was not written by this product.`);
      }
      return { status: 'present', value: SecretString };
    } catch (error) {
      if (error instanceof AwsCallError) throw error;
      if (errorName(error) === 'ResourceNotFoundException') return { status: 'missing' };
      if (errorName(error) === 'InvalidRequestException' && (await this.scheduledForDeletion(name))) {
        return { status: 'scheduled-for-deletion' };
      }
      throw secretCallError(`Reading the secret ${name}`, error);
    }
  }

  /** The current value, or undefined when the secret does not exist or is scheduled for deletion. */
  async read(name: string): Promise<string | undefined> {
    const found = await this.get(name);
    return found.status === 'present' ? found.value : undefined;
  }

  /**
   * Stores `value` as the secret's current version, creating the secret (with `tags`) when it is missing and
   * restoring it when it is scheduled for deletion. `found` is what a read just before found, when there was one.
   * Errors mask `value` and the `hidden` values in it (a JSON value's fields).
   */
  async write(
    name: string,
    value: string,
    tags: Tag[],
    options: { hidden?: readonly string[]; found?: SecretFound['status'] } = {},
  ): Promise<void> {
    const what = `Storing the secret ${name}`;
    const masked = [value, ...(options.hidden ?? [])];
    if (options.found === 'scheduled-for-deletion') {
      await this.restoreAndPut(name, value, masked);
      return;
    }
    if (options.found !== 'missing') {
      try {
        await this.put(name, value);
        return;
      } catch (error) {
        if (errorName(error) === 'InvalidRequestException' && (await this.scheduledForDeletion(name))) {
          await this.restoreAndPut(name, value, masked);
          return;
        }
        if (errorName(error) !== 'ResourceNotFoundException') {
          throw secretCallError(what, error, { hidden: masked });
        }
      }
    }
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: value,
          Tags: tags,
          ...(this.kmsKeyId ? { KmsKeyId: this.kmsKeyId } : {}),
        }),
      );
    } catch (error) {
      // Another writer created it since it was found missing: write over its value like any later put would.
      if (errorName(error) === 'ResourceExistsException') {
        await this.put(name, value).catch((e: unknown) => {
          throw secretCallError(what, e, { hidden: masked });
        });
        return;
      }
      // The name is still held by a secret scheduled for deletion (or one being force-deleted right now).
      if (errorName(error) === 'InvalidRequestException') {
        await this.restoreAndPut(name, value, masked);
        return;
      }
      throw secretCallError(what, error, { hidden: masked });
    }
  }

  /** Deletes the secret at once, without a recovery window; a missing secret is fine. */
  async forceDelete(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return;
      throw secretCallError(`Deleting the secret ${name}`, error);
    }
  }

  private async put(name: string, value: string): Promise<void> {
    await this.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
  }

  /** Cancels a scheduled deletion; the secret keeps the value it had. */
  async restore(name: string): Promise<void> {
    try {
      await this.client.send(new RestoreSecretCommand({ SecretId: name }));
    } catch (error) {
      throw secretCallError(`Restoring the secret ${name}`, error);
    }
  }

  private async restoreAndPut(name: string, value: string, masked: readonly string[]): Promise<void> {
    try {
      await this.client.send(new RestoreSecretCommand({ SecretId: name }));
      await this.put(name, value);
    } catch (error) {
      // A force-deleted secret frees its name shortly after the call returns; the next try finds it free.
      throw secretCallError(`Storing the secret ${name} again after its deletion`, error, {
        hidden: masked,
        retryable: true,
      });
    }
  }

  private async scheduledForDeletion(name: string): Promise<boolean> {
    try {
      const { DeletedDate } = await this.client.send(new DescribeSecretCommand({ SecretId: name }));
      return DeletedDate !== undefined;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return false;
      throw secretCallError(`Describing the secret ${name}`, error);
    }
  }
}
