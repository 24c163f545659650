import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config, Strategy } from '../common/config';
import type { StepName } from './catalogue';
import type { Teardown, TeardownStatus } from './model';
import type { SignalName, SignalOf } from './signals';

/** A picture for the thread (masked before it was taken); never stored in the table. */
export interface Screenshot {
  filename: string;
  title: string;
  png: Uint8Array;
}

/**
 * Values a signal hands to a later run (a CAPTCHA answer, a mailed code, a reset link). Kept on the record apart
 * from `data`, never logged, shown or sent along with a notice; `null` removes a value. Cleanup removes them all.
 */
export type Handoff = Record<string, string | null>;

/** How a step run, a signal or a deadline ends. */
export type StepOutcome =
  /** The step is done; `data` is kept for later steps, `note` is shown to people. */
  | { type: 'done'; data?: Teardown['data']; note?: string; screenshot?: Screenshot; handoff?: Handoff }
  /** Only time has to pass: the step runs again at `until` (polls, backoff, quota windows). */
  | { type: 'wait'; until: number; reason: string; data?: Teardown['data']; screenshot?: Screenshot }
  /**
   * Wait for a signal. How long is not the step's to say: the definition declares it (`waitsFor`), and people's
   * prompts (CAPTCHA, Done/Retry/Abort) get the people's deadline.
   */
  | {
      type: 'await';
      signal: SignalName;
      reason: string;
      data?: Teardown['data'];
      /** What people need to see to answer (a CAPTCHA, an unknown page). */
      screenshot?: Screenshot;
    }
  /** Run the same step again now (a person asked to retry, an answer arrived for the next try). */
  | { type: 'rerun'; reason: string; handoff?: Handoff }
  /** Go back to an earlier step of the strategy, at most `max` times per teardown; then a person is asked. */
  | { type: 'back-to'; step: StepName; reason: string; max: number }
  /** The teardown ends here, without error (refused, denied, expired, cancelled) or with one (failed). */
  | { type: 'end'; status: Exclude<TeardownStatus, 'active' | 'succeeded'>; reason: string }
  /** Go on with another strategy (close out of quota → remove). */
  | { type: 'switch-strategy'; strategy: Strategy; reason: string };

/** What a step run may use besides its own ports (which its factory receives). */
export interface StepContext {
  /** The runner's working copy: what a handler sets on it (summary, approver) is saved with the outcome. */
  teardown: Teardown;
  now: number;
  config: Config;
  logger: Logger;
  random: () => number;
  /** Whether this deployment can run every step of a strategy (before switching to it). */
  canRun: (strategy: Strategy) => boolean;
}

/** A step's work, run by the worker the catalogue names. Throwing a retryable error retries it with backoff. */
export interface StepHandler {
  run(ctx: StepContext): Promise<StepOutcome>;
}

/** What deciding on a signal or a deadline may look at: no clients, so any Lambda can decide. */
export interface DecisionContext {
  /** The working copy; what a rule sets on it (the approver) is saved with the outcome. */
  teardown: Teardown;
  now: number;
  config: Config;
}

export type SignalRule<N extends SignalName> = (ctx: DecisionContext, signal: SignalOf<N>) => StepOutcome;

/**
 * How waits of a step end: by each signal it accepts, or by its deadline. Pure decisions, declared beside the
 * step's definition, so the bot, mail and phone Lambdas resume teardowns without loading the step's code.
 */
export interface WaitRules {
  onSignal: { [N in SignalName]?: SignalRule<N> };
  /** A wait's deadline passed; `waitedFor` is the signal it waited for (undefined: a polling step ran out). */
  onDeadline: (ctx: DecisionContext, waitedFor: SignalName | undefined) => StepOutcome;
}
