import type { AccountId } from '../../common/account-id';

/** Which teardown sealed values belong to. */
export interface SealedOwner {
  accountId: AccountId;
  teardownId: string;
}

/**
 * Values too secret for the teardown record (a mailed reset link, a mailed sign-in code): kept in a secret store,
 * and handed from Lambda to Lambda by a reference (`sealed:…`) that is worthless without access to that store.
 */
export interface SealedValues {
  /** Stores the value and returns its reference. */
  seal(owner: SealedOwner, name: string, value: string): Promise<string>;
  /** The value behind a reference; undefined when it was dropped (used, or cleaned up). */
  open(reference: string): Promise<string | undefined>;
  /** Forgets one value (it has been used). */
  drop(reference: string): Promise<void>;
  /** Forgets every value of a teardown (cleanup). */
  dropAll(owner: SealedOwner): Promise<void>;
}

const PREFIX = 'sealed:';

/** What a reference looks like: `sealed:<account>/<teardown>/<name>`. */
export const SEALED_REFERENCE = /^sealed:(\d{12})\/([A-Za-z0-9._-]{1,64})\/([a-z-]{1,32})$/;

export function isSealed(value: string | undefined): value is string {
  return value?.startsWith(PREFIX) === true;
}

/** The reference of a teardown's value `name`. */
export function sealedReference(owner: SealedOwner, name: string): string {
  return `${PREFIX}${owner.accountId}/${owner.teardownId}/${name}`;
}

/** The owner and name a reference stands for, or undefined for anything else. */
export function parseSealedReference(reference: string): (SealedOwner & { name: string }) | undefined {
  const match = SEALED_REFERENCE.exec(reference);
  if (!match) return undefined;
  return { accountId: match[1] as AccountId, teardownId: match[2] as string, name: match[3] as string };
}

/** The names sealed values of a teardown may have. */
export const SEALED_NAMES = ['reset-link', 'sign-in-code', 'phone-code'] as const;
