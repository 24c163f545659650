import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../common/config';
import type { CloseQuota } from '../pipeline/close-quota';
import type { CaptchaChallenges } from '../pipeline/ports/captcha-challenges';
import type { IdempotencyKeys } from '../pipeline/ports/idempotency-keys';
import type { PhoneLineLeases } from '../pipeline/ports/phone-line-leases';
import type { TeardownStore } from '../pipeline/ports/teardown-store';
import type { Runner } from '../pipeline/runner';
import type { SlackOutbox } from '../slack/outbox';
import type { Authorizer } from './authorize';

/** Everything the Bolt app needs, whatever the receiver (Lambda, HTTP, Socket Mode). */
export interface BotPorts {
  config: Config;
  runner: Runner;
  teardowns: TeardownStore;
  /** Tells a retried Slack delivery from a new command. */
  idempotency: IdempotencyKeys;
  /** CAPTCHAs a browser page waits on: Solve answers go here, not through the runner. */
  captchaChallenges: CaptchaChallenges;
  /** The phone lines' leases: Show PIN reads a lease's PIN, Enter code stores a code on it. */
  phoneLines: PhoneLineLeases;
  /**
   * The lines of PHONE_LINES that are a person's own phone: line (E.164) → that person's Slack user id. Only they
   * may see a PIN for, or enter a code from, their phone.
   */
  personalPhoneLines: ReadonlyMap<string, string>;
  /** Writes to Slack (paced, redacted); its client also serves reads such as views.open. */
  outbox: SlackOutbox;
  authorizer: Authorizer;
  /** The close quota for dry runs (the request message gets it from the notifier). */
  quota: () => Promise<CloseQuota>;
  logger: Logger;
  clock: () => number;
  botToken: string;
}
