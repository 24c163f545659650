import type { WorkItem } from './dispatcher';

export interface TimerRequest extends WorkItem {
  at: number;
  /** Unique per wait: asking twice for the same key sets one timer. */
  key: string;
}

/** Wakes the pipeline for a teardown at a given time (one-shot EventBridge Scheduler schedules in production). */
export interface Timers {
  schedule(timer: TimerRequest): Promise<void>;
}
