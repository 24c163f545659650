// Tests src/console/adapters/secrets-manager-payment-card.ts on moto's Secrets Manager.
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretsManagerPaymentCards } from '../../../src/console/adapters/secrets-manager-payment-card';
import { TEST_CARD } from '../../support/console-rig';

const client = new SecretsManagerClient({});
async function secretWith(value: unknown): Promise<string> {
  const name = `payment-card-test-${Math.random().toString(36).slice(2, 10)}`;
  await client.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: typeof value === 'string' ? value : JSON.stringify(value),
    }),
  );
  return name;
}

describe('the payment card secret', () => {
  it('reads the card, with spaces in its number taken out, once per container', async () => {
    const name = await secretWith({ ...TEST_CARD, number: '4111 1111 1111 1111', expiryMonth: '8' });
    const cards = new SecretsManagerPaymentCards(client, name);
    expect(await cards.card()).toEqual({ ...TEST_CARD, number: '4111111111111111' });
    expect(await cards.card()).toBe(await cards.card());
  });

  it('names the bad fields, never their values', async () => {
    const name = await secretWith({
      ...TEST_CARD,
      number: '4111-XXXX',
      cvv: '12',
      address: { ...TEST_CARD.address, country: 'USA' },
    });
    const error = await new SecretsManagerPaymentCards(client, name).card().catch((e: Error) => e);
    expect(String(error)).toMatch(
      /number: number must be 12 to 19 digits.*cvv: cvv must be 3 or 4 digits.*address\.country/,
    );
    expect(String(error)).not.toContain('4111');
    expect(String(error)).not.toContain('USA');
  });

  it('says what is missing: no secret configured, a missing secret, text that is not JSON', async () => {
    await expect(new SecretsManagerPaymentCards(client, undefined).card()).rejects.toThrow(
      /PAYMENT_CARD_SECRET/,
    );
    await expect(new SecretsManagerPaymentCards(client, 'no-such-card').card()).rejects.toThrow(
      /does not exist/,
    );
    const text = await secretWith('card 4111111111111111');
    const error = await new SecretsManagerPaymentCards(client, text).card().catch((e: Error) => e);
    expect(String(error)).toMatch(/is not JSON/);
    expect(String(error)).not.toContain('4111');
  });
});
