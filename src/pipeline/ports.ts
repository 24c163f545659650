import type { AccountId } from '../common/account-id';
import type { Teardown, TeardownEvent } from './model';
import type { Screenshot } from './step-handler';
import type { Worker } from './steps';

/** Hands a teardown to a worker, without waiting for it (Lambda `Event` invocations in production). */
export interface Dispatcher {
  dispatch(worker: Worker, accountId: AccountId): Promise<void>;
}

/** Wakes the pipeline for a teardown at a given time (one-shot EventBridge Scheduler schedules in production). */
export interface Timers {
  schedule(timer: { accountId: AccountId; at: number; key: string }): Promise<void>;
}

/** What a notifier hears: the record after a transition and the event that explains it. */
export interface TeardownNotice {
  teardown: Teardown;
  previous: Teardown | undefined;
  event: TeardownEvent;
  /** The step's screenshot, when it ran in the browser or needs a person to look. */
  screenshot?: Screenshot;
}

/** Receives every transition (the Slack bot shows them; tests record them). */
export interface Notifier {
  notify(notice: TeardownNotice): Promise<void>;
}

export const silentNotifier: Notifier = { notify: async () => {} };
