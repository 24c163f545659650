import { InvalidAccountIdError } from './errors';

export type AccountId = string & { readonly __brand: 'AccountId' };

/** An AWS account id is exactly 12 digits; leading zeros are part of it and are kept. */
export function parseAccountId(input: unknown): AccountId {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidAccountIdError('An account id is required: 12 digits, e.g. 012345678901.');
  }
  const raw = input.trim();
  if (/^\d+$/.test(raw)) {
    if (raw.length !== 12) {
      throw new InvalidAccountIdError(
        `"${raw}" has ${raw.length} digits; an AWS account id has exactly 12 (keep leading zeros).`,
      );
    }
    return raw as AccountId;
  }
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  throw new InvalidAccountIdError(
    `"${shown}" is not an AWS account id: use exactly 12 digits, e.g. 012345678901.`,
  );
}

export function isAccountId(input: unknown): input is AccountId {
  return typeof input === 'string' && /^\d{12}$/.test(input);
}
