import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config, Strategy } from '../common/config';
import type { Teardown, TeardownStatus } from './model';
import type { OrganizationsGateway } from './organizations';
import type { TeardownStore } from './store';

/** A picture for the thread (masked before it was taken); never stored in the table. */
export interface Screenshot {
  filename: string;
  title: string;
  png: Uint8Array;
}

/** How a step run (or a signal, or a deadline) ends. */
export type StepOutcome =
  /** The step is done; `data` is kept for later steps, `note` is shown to people. */
  | { type: 'done'; data?: Teardown['data']; note?: string; screenshot?: Screenshot }
  /** Wait for a signal, or only for time to pass (then the step runs again). */
  | {
      type: 'wait';
      until: number;
      reason: string;
      signal?: string;
      data?: Teardown['data'];
      /** What people need to see to answer the signal (a CAPTCHA, an unknown page). */
      screenshot?: Screenshot;
    }
  /** The teardown ends here, without error (refused, denied, expired) or with one (failed). */
  | { type: 'end'; status: Exclude<TeardownStatus, 'active' | 'succeeded'>; reason: string }
  /** Go on with another strategy (close out of quota → remove). */
  | { type: 'switch-strategy'; strategy: Strategy; reason: string };

export interface Signal {
  name: string;
  actor: string;
  payload: Record<string, unknown>;
}

/** What a step handler may use; clients come in as ports so tests run them against stand-ins. */
export interface StepContext {
  /** The runner's working copy: what a handler sets on it (summary, approver) is saved with the outcome. */
  teardown: Teardown;
  now: number;
  config: Config;
  orgs: OrganizationsGateway;
  store: TeardownStore;
  logger: Logger;
  random: () => number;
  /** Whether this deployment can run every pipeline step of a strategy (before switching to it). */
  canRun: (strategy: Strategy) => boolean;
}

export interface StepHandler {
  /** Does the step's work. Throwing a retryable error retries it with backoff, any other fails the teardown. */
  run(ctx: StepContext): Promise<StepOutcome>;
  /** Decides how a signal ends the step's wait. Must not change anything outside the teardown. */
  onSignal?(ctx: StepContext, signal: Signal): StepOutcome;
  /** Decides what a passed deadline of a signal wait means. */
  onDeadline?(ctx: StepContext): StepOutcome;
}
