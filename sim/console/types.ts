/** Public shapes of the console simulator: accounts, faults, options, and what it records. */

/** Which id naming the pages use: AWS serves both at once (snake_case before 2022, camelCase after). */
export type Generation = 'old' | 'new';

/** What happens after the right root password. */
export type AfterPassword = 'straight-in' | 'mfa-register-skippable' | 'mfa-register-forced' | 'mailed-code';

export type CaptchaPolicy = 'never' | 'always' | 'sometimes';

export interface AccountOptions {
  accountId: string;
  email: string;
  /** Unset: the root user has no password yet (as for member accounts created by Organizations). */
  password?: string;
  afterPassword?: AfterPassword;
  /** False models centralized root access: "Forgot password?" is refused. */
  passwordRecoveryAllowed?: boolean;
}

export interface SimAccount {
  accountId: string;
  email: string;
  password: string | undefined;
  afterPassword: AfterPassword;
  passwordRecoveryAllowed: boolean;
  /** Base32 secret of the root user's virtual MFA device, once one is registered. */
  mfaKey: string | undefined;
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
  /** A cookie banner covers the lower part of every page until accepted or declined. */
  cookieBanner: boolean;
  /** An unknown page ("Help us keep your account secure") after the right password. */
  interstitial: boolean;
  /** 'novel': random ids and another order of fields; labels, headings and button texts unchanged. */
  layout: 'usual' | 'novel';
  /** A promotional mail arrives just before each reset mail ('sometimes': half of the time). */
  promotionalMailFirst: boolean | 'sometimes';
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
