import type { Strategy } from '../common/config';
import { STEPS, STRATEGY_STEPS, type StepName } from '../pipeline/catalogue';

/** What each step will do, in the words a dry run shows to the requester; cleanup's depends on the strategy. */
const WHAT_IT_DOES: Record<Exclude<StepName, 'cleanup'>, string> = {
  preflight:
    'checks the account exists, is ACTIVE, is not the management account, sits in an allowed OU and has no protect tag',
  approval: 'waits for an approver other than the requester to press Approve (Deny ends the teardown)',
  'close-via-api':
    'calls Organizations CloseAccount from the management account (counts against the close quota)',
  'await-closed': 'polls the account until its state leaves ACTIVE (SUSPENDED, then CLOSED)',
  'allow-password-recovery':
    'lets the root user recover its password where IAM centralized root access is on',
  'request-reset': 'asks for a root password reset in the console (a person may have to solve a CAPTCHA)',
  'await-reset-mail': 'waits for the reset mail and checks where it came from',
  'set-password': 'sets a generated root password, kept in Secrets Manager for this account only',
  'sign-in': 'signs in to the console as root',
  'complete-signup': 'completes the billing sign-up (contact details, payment card, Basic support)',
  'verify-phone': 'verifies the account phone number with a leased line',
  'remove-from-org': 'removes the account from the organization, which frees its slot at once',
  'close-as-root': 'closes the account from its own settings as root',
};

/** The close strategy keeps nothing outside the teardown's record: no secrets, sessions or leased line. */
const CLEANUP_DOES: Record<Strategy, string> = {
  close: 'posts a summary with the time each step took',
  remove:
    'deletes the saved root session and any mailed link or code, releases the leased phone line, keeps the root ' +
    'password and MFA key for the post-closure period (then deletes them) and posts a summary with the time each step took',
};

export interface PlannedStep {
  step: StepName;
  title: string;
  does: string;
}

export function planFor(strategy: Strategy): PlannedStep[] {
  return STRATEGY_STEPS[strategy].map((step) => ({
    step,
    title: STEPS[step].title,
    does: step === 'cleanup' ? CLEANUP_DOES[strategy] : WHAT_IT_DOES[step],
  }));
}
