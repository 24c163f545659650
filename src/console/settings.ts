import { Reader } from '../common/config';
import { type PhoneLine, readPhoneLines } from '../common/phone-lines';
import type { PhoneSettings } from './flows/verify-phone';

type Env = Record<string, string | undefined>;

/** The browser worker's own configuration (the shared one comes from loadConfig). */
export interface ConsoleSettings {
  /** Where screenshots and page HTML are kept. */
  artifactsBucket: string;
  /** Secrets Manager names start with it: `<prefix>/root/<account>`, `<prefix>/session/<account>/<teardown>`. */
  secretPrefix: string;
  /** A KMS key for the secrets (the account's default key when unset). */
  kmsKeyId: string | undefined;
  /** The secret holding the 2captcha key; without one, people answer every CAPTCHA. */
  twoCaptchaSecret: string | undefined;
  /** The most a page may take to show what a flow waits for. */
  pageTimeoutMs: number;
  /** Answers of the solver service a page may reject before people are asked. */
  solverAttempts: number;
  solverTimeoutMs: number;
  /**
   * How long people may take for one CAPTCHA. The browser keeps the page open meanwhile, so this stays well
   * inside the 15 minutes a Lambda invocation has.
   */
  humanCaptchaWaitMs: number;
  humanPollMs: number;
  /** The Secrets Manager secret with the company card and contact details (complete-signup). */
  paymentCardSecret: string | undefined;
  /** The phone-line pool (PHONE_LINES): our own lines and people's own phones. */
  phoneLines: PhoneLine[];
  phone: PhoneSettings;
}

const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]{1,200}$/;

/** The secrets' name prefix alone, for the Lambdas that only clean up after the browser (the pipeline's cleanup). */
export function loadSecretPrefix(env: Env = process.env): string {
  const read = new Reader(env);
  const prefix = read.optional('SECRET_PREFIX', 'sandbox-teardown', SECRET_PREFIX, 'a secret name prefix');
  read.done();
  return prefix;
}

export function loadConsoleSettings(env: Env = process.env): ConsoleSettings {
  const read = new Reader(env);
  const lines = readPhoneLines(env.PHONE_LINES);
  read.problems.push(...lines.problems);
  const settings: ConsoleSettings = {
    artifactsBucket: read.required(
      'ARTIFACTS_BUCKET',
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'an S3 bucket name',
    ),
    secretPrefix: read.optional('SECRET_PREFIX', 'sandbox-teardown', SECRET_PREFIX, 'a secret name prefix'),
    kmsKeyId: env.SECRETS_KMS_KEY_ID?.trim() || undefined,
    twoCaptchaSecret: env.TWOCAPTCHA_SECRET?.trim() || undefined,
    pageTimeoutMs: read.duration('CONSOLE_PAGE_TIMEOUT', '45s'),
    solverAttempts: Number(
      read.optional('CAPTCHA_SOLVER_ATTEMPTS', '3', /^([1-9]|10)$/, 'a number from 1 to 10'),
    ),
    solverTimeoutMs: read.duration('CAPTCHA_SOLVER_TIMEOUT', '2m'),
    humanCaptchaWaitMs: read.duration('CAPTCHA_HUMAN_WAIT', '10m'),
    humanPollMs: read.duration('CAPTCHA_HUMAN_POLL', '2s'),
    paymentCardSecret: env.PAYMENT_CARD_SECRET?.trim() || undefined,
    phoneLines: lines.lines,
    phone: {
      leaseTtlMs: read.duration('PHONE_LEASE_TTL', '20m'),
      callWaitMs: read.duration('PHONE_CALL_WAIT', '5m'),
      codeWaitMs: read.duration('PHONE_CODE_WAIT', '5m'),
      personWaitMs: read.duration('PHONE_PERSON_WAIT', '10m'),
      codePollMs: read.duration('PHONE_CODE_POLL', '1s'),
      queuePollMs: read.duration('PHONE_QUEUE_POLL', '30s'),
    },
  };
  read.done();
  return settings;
}

/** The CAPTCHA solving settings of the browser worker's flows, from its configuration. */
export function captchaSettingsOf(settings: ConsoleSettings) {
  return {
    solverAttempts: settings.solverAttempts,
    solverTimeoutMs: settings.solverTimeoutMs,
    humanWaitMs: settings.humanCaptchaWaitMs,
    humanPollMs: settings.humanPollMs,
    verdictTimeoutMs: settings.pageTimeoutMs,
  };
}
