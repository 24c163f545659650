import type { CaptchaChallenges } from './captcha-challenges';
import type { CloseLedger } from './close-ledger';
import type { IdempotencyKeys } from './idempotency-keys';
import type { Organizations } from './organizations';
import type { PhoneLineLeases } from './phone-line-leases';
import type { TeardownStore } from './teardown-store';

/** The data ports every entry point shares: built once per container by its composition root. */
export interface DataPorts {
  teardowns: TeardownStore;
  ledger: CloseLedger;
  idempotency: IdempotencyKeys;
  orgs: Organizations;
  /** CAPTCHAs waiting for a person (the browser worker opens them, the bot takes the answers). */
  captchaChallenges: CaptchaChallenges;
  /** The pool of phone lines teardowns lease for phone verification. */
  phoneLines: PhoneLineLeases;
}
