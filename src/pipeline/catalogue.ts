import type { Deadlines, Strategy } from '../common/config';

export type StepName =
  | 'preflight'
  | 'approval'
  | 'close-via-api'
  | 'await-closed'
  | 'allow-password-recovery'
  | 'request-reset'
  | 'await-reset-mail'
  | 'set-password'
  | 'sign-in'
  | 'complete-signup'
  | 'verify-phone'
  | 'remove-from-org'
  | 'close-as-root'
  | 'cleanup';

/** Where a step's handler runs: the pipeline Lambda itself, or the browser worker it hands the step to. */
export type Worker = 'pipeline' | 'browser';

export interface RetryPolicy {
  /** Failed runs (errors, expired leases) allowed before the teardown fails. */
  maxFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface StepDefinition {
  name: StepName;
  /** What the step does, as shown to people. */
  title: string;
  worker: Worker;
  /** Changes the account for good: preflight is checked again right before it acts. */
  destructive: boolean;
  /**
   * What that re-check accepts. `member`: a full preflight (ACTIVE member in an allowed OU, not protected).
   * `member-or-closing`: the same, but a close already under way (an earlier run's CloseAccount) is progress.
   * `teardown-only`: the account has left the organization; only the teardown itself is checked.
   * Default `member`.
   */
  recheck?: 'member' | 'member-or-closing' | 'teardown-only';
  /** How long a worker holds the step before another may take it over. */
  leaseMs: number;
  retry: RetryPolicy;
  /** The configured deadline that bounds this step's waiting, if any. */
  deadline?: keyof Deadlines;
}

const API_RETRY: RetryPolicy = { maxFailures: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 };
const BROWSER_RETRY: RetryPolicy = { maxFailures: 3, baseDelayMs: 30_000, maxDelayMs: 300_000 };
const API_LEASE_MS = 2 * 60_000;
// A browser step may run for the whole 15 minutes a Lambda invocation gets.
const BROWSER_LEASE_MS = 16 * 60_000;

function api(name: StepName, title: string, extra: Partial<StepDefinition> = {}): StepDefinition {
  return {
    name,
    title,
    worker: 'pipeline',
    destructive: false,
    leaseMs: API_LEASE_MS,
    retry: API_RETRY,
    ...extra,
  };
}
function browser(name: StepName, title: string, extra: Partial<StepDefinition> = {}): StepDefinition {
  return {
    name,
    title,
    worker: 'browser',
    destructive: false,
    leaseMs: BROWSER_LEASE_MS,
    retry: BROWSER_RETRY,
    ...extra,
  };
}

export const STEPS: Record<StepName, StepDefinition> = {
  preflight: api('preflight', 'Check the account may be torn down'),
  approval: api('approval', 'Wait for a second person to approve', { deadline: 'approvalMs' }),
  'close-via-api': api('close-via-api', 'Close the account through Organizations', {
    destructive: true,
    recheck: 'member-or-closing',
  }),
  'await-closed': api('await-closed', 'Wait until the account is no longer active', { deadline: 'closeMs' }),
  'allow-password-recovery': api('allow-password-recovery', 'Allow root password recovery'),
  'request-reset': browser('request-reset', 'Request a root password reset', { deadline: 'humanMs' }),
  'await-reset-mail': api('await-reset-mail', 'Wait for the password reset mail', { deadline: 'mailMs' }),
  'set-password': browser('set-password', 'Set the root password'),
  'sign-in': browser('sign-in', 'Sign in as root', { deadline: 'humanMs' }),
  'complete-signup': browser('complete-signup', 'Complete the billing sign-up', { deadline: 'humanMs' }),
  'verify-phone': browser('verify-phone', 'Verify the phone number', { deadline: 'humanMs' }),
  'remove-from-org': api('remove-from-org', 'Remove the account from the organization', {
    destructive: true,
  }),
  'close-as-root': browser('close-as-root', 'Close the account as root', {
    destructive: true,
    deadline: 'humanMs',
  }),
  cleanup: api('cleanup', 'Clean up and summarise'),
};

export const STRATEGY_STEPS: Record<Strategy, readonly StepName[]> = {
  close: ['preflight', 'approval', 'close-via-api', 'await-closed', 'cleanup'],
  remove: [
    'preflight',
    'approval',
    'allow-password-recovery',
    'request-reset',
    'await-reset-mail',
    'set-password',
    'sign-in',
    'complete-signup',
    'verify-phone',
    'remove-from-org',
    'close-as-root',
    'cleanup',
  ],
};

export function nextStep(strategy: Strategy, current: StepName): StepName | undefined {
  const steps = STRATEGY_STEPS[strategy];
  const index = steps.indexOf(current);
  return index === -1 ? undefined : steps[index + 1];
}

/** Delay before the n-th retry (1-based): exponential with full jitter, capped. */
export function retryDelayMs(
  policy: RetryPolicy,
  failures: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
