import type { WorkItem } from './dispatcher';

export interface TimerRequest extends WorkItem {
  at: number;
  /** Unique per wait: asking twice for the same key sets one timer. */
  key: string;
  /**
   * What the timer does: `advance` (the default) runs the teardown; `forget-root-credentials` deletes the root
   * password and MFA key kept for the post-closure period.
   */
  action?: TimerAction;
}

export type TimerAction = 'advance' | 'forget-root-credentials';

/** Wakes the pipeline for a teardown at a given time (one-shot EventBridge Scheduler schedules in production). */
export interface Timers {
  schedule(timer: TimerRequest): Promise<void>;
}
