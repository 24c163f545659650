import type { Worker } from './catalogue';
import type { TeardownNotice } from './ports/notifier';
import type { Signal } from './step-handler';

/** What the pipeline (and browser) Lambda is invoked with: by dispatch, timers, the sweeper and the other Lambdas. */
export type PipelineEvent =
  | { action: 'advance'; accountId: string; teardownId?: string; worker?: Worker }
  | { action: 'resume'; accountId: string; signal: Signal }
  | { action: 'sweep' }
  /** A transition another function made, to show in Slack here (so the bot answers Slack without waiting). */
  | { action: 'notify'; notice: TeardownNotice };

export function isPipelineEvent(value: unknown): value is PipelineEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  switch (event.action) {
    case 'advance':
      return typeof event.accountId === 'string';
    case 'resume':
      return typeof event.accountId === 'string' && typeof event.signal === 'object' && event.signal !== null;
    case 'sweep':
      return true;
    case 'notify': {
      const notice = event.notice as Partial<TeardownNotice> | undefined;
      return typeof notice?.teardown === 'object' && typeof notice.event === 'object';
    }
    default:
      return false;
  }
}
