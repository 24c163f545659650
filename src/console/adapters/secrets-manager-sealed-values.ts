import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  parseSealedReference,
  SEALED_NAMES,
  type SealedOwner,
  type SealedValues,
  sealedReference,
} from '../../pipeline/ports/sealed-values';
import { SecretValues } from './secret-values';

/** Sealed values as Secrets Manager secrets: `<prefix>/sealed/<account>/<teardown>/<name>`, deleted once used. */
export class SecretsManagerSealedValues implements SealedValues {
  private readonly secrets: SecretValues;

  constructor(
    client: SecretsManagerClient,
    private readonly options: { prefix: string; kmsKeyId?: string },
  ) {
    this.secrets = new SecretValues(client, options.kmsKeyId);
  }

  private secretName(owner: SealedOwner, name: string): string {
    return `${this.options.prefix}/sealed/${owner.accountId}/${owner.teardownId}/${name}`;
  }

  async seal(owner: SealedOwner, name: string, value: string): Promise<string> {
    await this.secrets.write(this.secretName(owner, name), value, [
      { Key: 'sandbox-teardown:account', Value: owner.accountId },
      { Key: 'sandbox-teardown:teardown', Value: owner.teardownId },
      { Key: 'sandbox-teardown:kind', Value: 'sealed' },
    ]);
    return sealedReference(owner, name);
  }

  async open(reference: string): Promise<string | undefined> {
    const parsed = parseSealedReference(reference);
    return parsed ? this.secrets.read(this.secretName(parsed, parsed.name)) : undefined;
  }

  async drop(reference: string): Promise<void> {
    const parsed = parseSealedReference(reference);
    if (parsed) await this.secrets.forceDelete(this.secretName(parsed, parsed.name));
  }

  async dropAll(owner: SealedOwner): Promise<void> {
    await Promise.all(SEALED_NAMES.map((name) => this.secrets.forceDelete(this.secretName(owner, name))));
  }
}
