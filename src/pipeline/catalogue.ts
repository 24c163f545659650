import type { Deadlines, Strategy } from '../common/config';
import { SIGNAL, type SignalName } from './signals';
import type { WaitRules } from './step-handler';
import { approvalRules } from './steps/approval';
import { awaitClosedRules } from './steps/await-closed';
import { awaitResetMailRules } from './steps/await-reset-mail';
import { signInRules } from './steps/sign-in';
import { verifyPhoneRules } from './steps/verify-phone';
import { withPersonRules } from './wait-rules';

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
  /** Changes the account for good: the account is checked again right before it acts. */
  destructive: boolean;
  /**
   * What that re-check accepts. `member`: a full preflight (ACTIVE member in an allowed OU, not protected).
   * `member-or-closing`: the same, but a close already under way (an earlier run's CloseAccount) is progress.
   * `member-or-left`: the same, but an account already gone from the organization is progress when an earlier run
   * of this step (whose worker died before it could say so) may have removed it.
   * `left-organization`: the account must have left the organization (it is closed as its own root).
   */
  recheck?: 'member' | 'member-or-closing' | 'member-or-left' | 'left-organization';
  /** How long a worker holds the step before another may take it over. */
  leaseMs: number;
  retry: RetryPolicy;
  /** The signal the step itself waits for, and the configured deadline of each such wait. */
  waitsFor?: { signal: SignalName; deadline: keyof Deadlines };
  /** A polling step: how long after the step started it may keep waiting for time to pass. */
  pollsFor?: keyof Deadlines;
  /** How signals and deadlines end the step's waits (its own, and the prompts people answer). */
  rules: WaitRules;
}

const API_RETRY: RetryPolicy = { maxFailures: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 };
const BROWSER_RETRY: RetryPolicy = { maxFailures: 3, baseDelayMs: 30_000, maxDelayMs: 300_000 };
const API_LEASE_MS = 2 * 60_000;
// A browser step may run for the whole 15 minutes a Lambda invocation gets.
const BROWSER_LEASE_MS = 16 * 60_000;

type Extra = Partial<Omit<StepDefinition, 'rules'>> & { rules?: Partial<WaitRules> };

function define(name: StepName, title: string, worker: Worker, { rules, ...extra }: Extra): StepDefinition {
  const browser = worker === 'browser';
  return {
    name,
    title,
    worker,
    destructive: false,
    leaseMs: browser ? BROWSER_LEASE_MS : API_LEASE_MS,
    retry: browser ? BROWSER_RETRY : API_RETRY,
    ...extra,
    rules: withPersonRules(rules, extra.waitsFor?.signal),
  };
}
const api = (name: StepName, title: string, extra: Extra = {}) => define(name, title, 'pipeline', extra);
const browser = (name: StepName, title: string, extra: Extra = {}) => define(name, title, 'browser', extra);

export const STEPS: Record<StepName, StepDefinition> = {
  preflight: api('preflight', 'Check the account may be torn down'),
  approval: api('approval', 'Wait for a second person to approve', {
    waitsFor: { signal: SIGNAL.approval, deadline: 'approvalMs' },
    rules: approvalRules,
  }),
  'close-via-api': api('close-via-api', 'Close the account through Organizations', {
    destructive: true,
    recheck: 'member-or-closing',
  }),
  'await-closed': api('await-closed', 'Wait until the account is no longer active', {
    pollsFor: 'closeMs',
    rules: awaitClosedRules,
  }),
  'allow-password-recovery': api('allow-password-recovery', 'Allow root password recovery'),
  'request-reset': browser('request-reset', 'Request a root password reset'),
  'await-reset-mail': api('await-reset-mail', 'Wait for the password reset mail', {
    waitsFor: { signal: SIGNAL.resetLink, deadline: 'mailMs' },
    rules: awaitResetMailRules,
  }),
  'set-password': browser('set-password', 'Set the root password'),
  'sign-in': browser('sign-in', 'Sign in as root', {
    waitsFor: { signal: SIGNAL.signInCode, deadline: 'mailMs' },
    rules: signInRules,
  }),
  'complete-signup': browser('complete-signup', 'Complete the billing sign-up'),
  'verify-phone': browser('verify-phone', 'Verify the phone number', {
    // A texted code that comes after the browser's run: the phone Lambda's signal, or at the deadline the code
    // read off the line (it may have come while the step was just saving its wait).
    waitsFor: { signal: SIGNAL.phoneCode, deadline: 'mailMs' },
    rules: verifyPhoneRules,
  }),
  'remove-from-org': api('remove-from-org', 'Remove the account from the organization', {
    destructive: true,
    recheck: 'member-or-left',
  }),
  'close-as-root': browser('close-as-root', 'Close the account as root', {
    destructive: true,
    recheck: 'left-organization',
  }),
  cleanup: api('cleanup', 'Clean up and summarise'),
};

/**
 * The steps each worker of this code base runs today. A strategy that needs any other, or a worker this
 * deployment does not have, is refused before anyone approves it.
 */
export const IMPLEMENTED_STEPS: Record<Worker, readonly StepName[]> = {
  pipeline: [
    'preflight',
    'approval',
    'close-via-api',
    'await-closed',
    'allow-password-recovery',
    'await-reset-mail',
    'remove-from-org',
    'cleanup',
  ],
  browser: ['request-reset', 'set-password', 'sign-in', 'complete-signup', 'verify-phone', 'close-as-root'],
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
