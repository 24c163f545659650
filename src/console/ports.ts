import type { AccountId } from '../common/account-id';

// The browser worker's ports: what its page flows use besides the browser itself. Adapters live beside them
// (src/console/adapters), the flows never build a client.

/** A cookie as the browser gives it (puppeteer's shape, trimmed to what restoring needs). */
export interface SavedCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None' | 'Default';
}

/**
 * Root credentials of the accounts under teardown, one secret per account. Kept after the teardown for the
 * 90-day post-closure period (cleanup does not delete them); never logged.
 */
export interface RootCredentials {
  /**
   * A new root password the console accepts (Secrets Manager GetRandomPassword), stored in the account's secret
   * before it is returned, so it is never typed without being kept first.
   */
  newPassword(accountId: AccountId): Promise<string>;
  /** The stored root password, if any. */
  password(accountId: AccountId): Promise<string | undefined>;
  /** The base32 secret key of the virtual MFA device registered for the root user. */
  saveMfaKey(accountId: AccountId, base32Key: string): Promise<void>;
  mfaKey(accountId: AccountId): Promise<string | undefined>;
  /** Deletes the account's root password and MFA key for good (the post-closure period is over). Twice is fine. */
  forget(accountId: AccountId): Promise<void>;
}

/** The root session between browser invocations: saved encrypted per teardown, deleted by cleanup. */
export interface SessionStore {
  save(teardownId: string, accountId: AccountId, cookies: SavedCookie[]): Promise<void>;
  load(teardownId: string, accountId: AccountId): Promise<SavedCookie[] | undefined>;
  delete(teardownId: string, accountId: AccountId): Promise<void>;
}

/** Screenshots and page HTML kept for people to look at later (an S3 bucket). */
export interface Artifacts {
  /** Stores the object and returns its reference (the S3 key). */
  put(key: string, body: Uint8Array | string, contentType: string): Promise<string>;
}

/** Why a solver service gave no answer; each is handled in its own way by the solver chain. */
export type SolverFailure =
  /** The account has no money left: stop using the service until someone tops it up. */
  | 'zero-balance'
  /** The service is busy: worth another try after a pause, within the deadline. */
  | 'no-slot'
  /** The workers could not read the picture (refunded): a new picture may do. */
  | 'unsolvable'
  /** No answer before the deadline. */
  | 'timeout'
  /** Anything else: network, bad key, unexpected answers. */
  | 'error';

export type SolveResult =
  | { ok: true; answer: string; taskId: string }
  | { ok: false; failure: SolverFailure; detail: string };

/** An image CAPTCHA solver service (2captcha's JSON API in production, `sim/captcha` in tests). */
export interface CaptchaSolver {
  /**
   * Solves one picture (PNG bytes), case-sensitive. Never resolves with an empty answer as `ok`. Gives up at
   * `deadlineAt` (epoch ms) with `timeout`.
   */
  solve(
    png: Uint8Array,
    options: { deadlineAt: number; minLength?: number; maxLength?: number },
  ): Promise<SolveResult>;
  /** The page rejected the task's answer. */
  reportIncorrect(taskId: string): Promise<void>;
  /** The page accepted it. */
  reportCorrect(taskId: string): Promise<void>;
}

/** Who is asked to read a CAPTCHA when the solver service cannot: people in the teardown's thread. */
export interface CaptchaPrompter {
  /** Posts the picture and a Solve button for challenge `challengeId` in the thread. */
  ask(request: {
    accountId: AccountId;
    teardownId: string;
    challengeId: string;
    png: Uint8Array;
    until: number;
    slack?: { channel: string; threadTs?: string; requestTs?: string };
    stepTitle: string;
  }): Promise<void>;
  /** Rewrites the prompt once the challenge is over (answered by someone, or expired). */
  finished(request: { challengeId: string; outcome: 'answered' | 'expired'; by?: string }): Promise<void>;
}

/**
 * Asks the person whose own phone is the leased line to take AWS's verification (PHONE_LINES `+1…=U…`): either
 * the page shows a PIN (they press Show PIN and see it ephemerally, then key it in when AWS calls), or AWS sends
 * them a code (they press Enter code and type it into a modal; the bot stores it on the line's lease, where the
 * browser step polls for it). Slack failures are logged, never thrown.
 */
export interface PhonePrompter {
  ask(request: {
    accountId: AccountId;
    teardownId: string;
    /** The leased line (E.164) and the Slack user id of the person it belongs to. */
    line: string;
    person: string;
    direction: 'pin' | 'code';
    until: number;
    slack?: { channel: string; threadTs?: string; requestTs?: string };
    stepTitle: string;
  }): Promise<void>;
  /** Rewrites the prompt once the verification is over. */
  finished(request: { teardownId: string; line: string; outcome: 'verified' | 'expired' }): Promise<void>;
}

/** A postal address as the sign-up pages ask for it. */
export interface PostalAddress {
  line1: string;
  line2?: string;
  city: string;
  state: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, e.g. US. */
  country: string;
}

/**
 * The company card every standalone account is signed up with, and the contact details that go with it (from a
 * Secrets Manager secret). Every field is a secret: never logged, never put into an error, masked on screenshots.
 */
export interface PaymentCard {
  number: string;
  expiryMonth: number;
  expiryYear: number;
  holder: string;
  cvv?: string;
  address: PostalAddress;
  /** The contact phone number (E.164). */
  phone: string;
  company?: string;
}

export interface PaymentCards {
  card(): Promise<PaymentCard>;
}
