import type { AccountId } from '../common/account-id';
import type { Strategy } from '../common/config';
import type { StepName } from './catalogue';
import type { SignalName } from './signals';

/** The teardown as a whole. Everything but `active` is final. */
export type TeardownStatus =
  | 'active'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'refused'
  | 'denied'
  | 'expired';

export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

/** What preflight learned about the account, shown to requester and approver. */
export interface AccountSummary {
  accountId: AccountId;
  name: string;
  email: string;
  /** Names from the root down to the account's parent, e.g. "Root / Sandbox / Team A". */
  ouPath: string;
  parentId: string;
  joinedAt: number | undefined;
  state: string;
}

/** What a waiting step waits for: a signal (until its deadline), or only for time to pass. */
export interface Wait {
  /** The signal that ends the wait, if any; without one the step runs again at `until`. */
  signal?: SignalName;
  /** When the wait ends by itself: the step runs again, or its deadline rule applies. */
  until: number;
  /** When the wait began. */
  since?: number;
  /** A person's Retry goes back to this step (the teardown went back to it too often to do so by itself). */
  retryGoesBackTo?: StepName;
  reason: string;
}

export interface Lease {
  owner: string;
  expiresAt: number;
}

/** Where the bot shows this teardown in Slack. */
export interface SlackPlacement {
  channel: string;
  requestTs?: string;
  threadTs?: string;
  statusTs?: string;
}

export interface Teardown {
  accountId: AccountId;
  teardownId: string;
  status: TeardownStatus;
  strategy: Strategy;
  requester: string;
  reason?: string;
  approver?: string;
  decidedAt?: number;
  slack?: SlackPlacement;
  step: StepName;
  stepStatus: StepStatus;
  stepStartedAt: number;
  /** Runs of the current step so far. */
  attempt: number;
  /** Failed runs of the current step in a row. */
  failures: number;
  wait?: Wait;
  lease?: Lease;
  version: number;
  createdAt: number;
  updatedAt: number;
  endedAt?: number;
  summary?: AccountSummary;
  lastError?: string;
  /** Why the teardown ended, for people. */
  outcome?: string;
  /** Non-secret facts steps keep for later steps (e.g. when CloseAccount was accepted). */
  data: Record<string, string | number | boolean>;
  /**
   * Values signals handed over for a later run (answers, codes, links): never logged, shown, or sent with a
   * notice; removed by cleanup.
   */
  handoff?: Record<string, string>;
  /** How often the teardown went back to each step (bounded; then a person decides). */
  backSteps?: Partial<Record<StepName, number>>;
}

/** One entry of the append-only log: who did what, when, at which step. */
export interface TeardownEvent {
  accountId: AccountId;
  teardownId: string;
  version: number;
  at: number;
  actor: string;
  action: string;
  step: StepName;
  attempt: number;
  outcome: string;
  detail?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}
