import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { TeardownError } from '../../common/errors';
import type { PaymentCard, PaymentCards } from '../ports';
import { SecretValues } from './secret-values';

const cardSchema = z.object({
  number: z
    .string()
    .transform((s) => s.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{12,19}$/, 'number must be 12 to 19 digits')),
  expiryMonth: z.coerce.number().int().min(1).max(12),
  expiryYear: z.coerce.number().int().min(2000).max(2100),
  holder: z.string().trim().min(1),
  cvv: z
    .string()
    .regex(/^\d{3,4}$/, 'cvv must be 3 or 4 digits')
    .optional(),
  address: z.object({
    line1: z.string().trim().min(1),
    line2: z.string().trim().optional(),
    city: z.string().trim().min(1),
    state: z.string().trim().min(1),
    postalCode: z.string().trim().min(1),
    country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO code such as US'),
  }),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be E.164 such as +15550100'),
  company: z.string().trim().optional(),
});

/**
 * The payment card secret (`PAYMENT_CARD_SECRET`), read once per container. What is wrong with it is named by field
 * only: the values never reach an error message.
 */
export class SecretsManagerPaymentCards implements PaymentCards {
  private readonly secrets: SecretValues;
  private cached: Promise<PaymentCard> | undefined;

  constructor(
    client: SecretsManagerClient,
    private readonly secretId: string | undefined,
  ) {
    this.secrets = new SecretValues(client);
  }

  card(): Promise<PaymentCard> {
    this.cached ??= this.load().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  private async load(): Promise<PaymentCard> {
    if (!this.secretId) {
      throw new TeardownError(
        'INVALID_CONFIG',
        'No payment card is configured (PAYMENT_CARD_SECRET); a standalone account needs one.',
      );
    }
    const text = await this.secrets.read(this.secretId);
    if (text === undefined) {
      throw new TeardownError('INVALID_CONFIG', `The payment card secret ${this.secretId} does not exist.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new TeardownError('INVALID_CONFIG', `The payment card secret ${this.secretId} is not JSON.`);
    }
    const parsed = cardSchema.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.') || 'the secret'}: ${i.message}`);
      throw new TeardownError(
        'INVALID_CONFIG',
        `The payment card secret ${this.secretId} is not usable (${fields.join('; ')}).`,
      );
    }
    const { cvv, company, ...card } = parsed.data;
    const { line2, ...address } = card.address;
    return {
      ...card,
      address: line2 ? { ...address, line2 } : address,
      ...(cvv ? { cvv } : {}),
      ...(company ? { company } : {}),
    };
  }
}
