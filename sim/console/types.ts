/** Public shapes of the console simulator: accounts, faults, options, and what it records. */

import type { PhoneNetwork } from '../phone/types';

/** The phone network AWS's verification calls and texts go through (sim/phone implements it; tests give fakes). */
export type { PhoneNetwork };

/** Which id naming the pages use: AWS serves both at once (snake_case before 2022, camelCase after). */
export type Generation = 'old' | 'new';

/** What happens after the right root password. */
export type AfterPassword = 'straight-in' | 'mfa-register-skippable' | 'mfa-register-forced' | 'mailed-code';

export type CaptchaPolicy = 'never' | 'always' | 'sometimes';

/**
 * How the sign-up wizard confirms the phone number: 'pin' shows a PIN on the page and AWS calls, listening for it
 * on the keypad (the older way); 'code-sms' sends a code by text message or a voice call, the person's choice;
 * 'code-voice-only' offers only the voice call (the code is spoken: nothing a machine can take).
 */
export type Verification = 'pin' | 'code-sms' | 'code-voice-only';

/**
 * The close part of the billing account page: 'checkboxes' (2021: four acknowledgements and a modal),
 * 'checkboxes-modal-testid' (2022–2023: the same, the modal's button with its own test id), 'typed-id' (2024–2025:
 * a dialog asking for the account id), 'typed-id-confirm-modal' (January 2024: the same and one more confirmation).
 */
export type CloseLayout = 'checkboxes' | 'checkboxes-modal-testid' | 'typed-id' | 'typed-id-confirm-modal';

/** What the sign-up wizard (and removal from the organization) needs done; true once done. */
export interface SignupParts {
  contact: boolean;
  payment: boolean;
  phone: boolean;
  support: boolean;
  /** The AWS Customer Agreement accepted (on the contact page or the resubscribe page). */
  agreement: boolean;
}

export interface AccountOptions {
  accountId: string;
  email: string;
  /** Unset: the root user has no password yet (as for member accounts created by Organizations). */
  password?: string;
  afterPassword?: AfterPassword;
  /** False models centralized root access: "Forgot password?" is refused. */
  passwordRecoveryAllowed?: boolean;
  /** Default 'pin'. */
  verification?: Verification;
  /** The account has to accept the customer agreement again: the wizard sends it to the resubscribe page first. */
  needsAgreement?: boolean;
  /** When it joined the organization (epoch ms, the simulator's clock). Default: when it was added. */
  joinedAt?: number;
  /** Every sign-up part already done (except the agreement when `needsAgreement`). */
  signupDone?: boolean;
  /** This account's close layout; unset: the simulator's `closeLayout` fault. */
  closeLayout?: CloseLayout;
}

export interface SimAccount {
  accountId: string;
  email: string;
  password: string | undefined;
  afterPassword: AfterPassword;
  passwordRecoveryAllowed: boolean;
  /** Base32 secret of the root user's virtual MFA device, once one is registered. */
  mfaKey: string | undefined;
  verification: Verification;
  needsAgreement: boolean;
  joinedAt: number;
  signup: SignupParts;
  closeLayout: CloseLayout | undefined;
  /** The last four digits of the card the wizard accepted (the simulator never keeps the whole number). */
  cardLast4: string | undefined;
  /** The expiry the wizard accepted, MM/YYYY. */
  cardExpiry: string | undefined;
  /** The support plan chosen in the wizard: 'basic', 'developer' or 'business'. */
  supportPlan: string | undefined;
  /** The phone number (E.164) the identity step verified. */
  verifiedPhone: string | undefined;
  /** Closed by its root user on the account page (AWS shows it "Suspended"); sign-in still works. */
  closed: boolean;
  closedAt: number | undefined;
  /** Removed from its organization through the Organizations front. */
  removed: boolean;
}

/** A verification code AWS read out in a voice call (no machine can take it: a person has to). */
export interface SpokenCode {
  to: string;
  code: string;
  at: number;
}

/** A text message AWS sent (whether or not a phone network took it). */
export interface SentTextMessage {
  to: string;
  from: string;
  body: string;
  at: number;
}

/** Faults that can change while the simulator runs (`sim.setFaults`). */
export interface ConsoleSimFaults {
  /** 'sometimes': every third sign-in attempt per email, and always in the recovery dialog. */
  captcha: CaptchaPolicy;
  /** Share (0..1) of right CAPTCHA answers refused as wrong. */
  wrongAnswerRate: number;
  /** Every reset link is already expired. */
  expiredTokens: boolean;
  /** Delay of every response, in ms. */
  slowMs: number;
  /** Delay of every page (HTML document) served, in ms: a page load's time. Counted in `injectedPageWaitMs`. */
  pageLoadMs: number;
  /** A cookie banner covers the lower part of every page until accepted or declined. */
  cookieBanner: boolean;
  /** An unknown page ("Help us keep your account secure") after the right password. */
  interstitial: boolean;
  /** Share (0..1) of sign-ins that meet that unknown page (decided once per sign-in), besides `interstitial`. */
  interstitialRate: number;
  /** 'novel': random ids and another order of fields; labels, headings and button texts unchanged. */
  layout: 'usual' | 'novel';
  /** A promotional mail arrives just before each reset mail ('sometimes': half of the time). */
  promotionalMailFirst: boolean | 'sometimes';
  /** The close layout of the account page, for accounts without their own. */
  closeLayout: CloseLayout;
  /** Card numbers (digits) the payment page declines although they are valid. */
  declinedCards: string[];
  /** Phone numbers (E.164) the identity step refuses to verify. */
  refusedNumbers: string[];
}

export interface ConsoleSimOptions extends Partial<ConsoleSimFaults> {
  /** Default 0: any free port. */
  port?: number;
  /** Default 'random': chosen per sign-in session (cookie jar). */
  generation?: Generation | 'random';
  /** Makes the random choices (generation, refused answers, promotional mails) repeatable. */
  seed?: number;
  /** Default 60 minutes. */
  resetTokenTtlMs?: number;
  /** Default 12 hours. */
  sessionTtlMs?: number;
  /** The simulator's clock (epoch ms); lets tests move time for expiry and TOTP. Default Date.now. */
  clock?: () => number;
  /** moto's (or another Organizations endpoint's) URL: starts the Organizations front before it. */
  organizationsUpstream?: string;
  /** How long AWS's verification call listens for the PIN on the keypad. Default 60 s. */
  phoneListenMs?: number;
}

export interface RecordedRequest {
  at: number;
  method: string;
  host: string;
  /** Path with query. */
  path: string;
}

export type MailKind = 'reset' | 'sign-in-code' | 'promotion';

export interface SimMail {
  to: string;
  from: string;
  subject: string;
  /** The whole message as SES would store it (CRLF line ends). */
  raw: string;
  at: number;
  kind: MailKind;
}

export interface CaptchaRecord {
  id: string;
  answer: string;
  shownAt: number;
  solved: boolean;
}
