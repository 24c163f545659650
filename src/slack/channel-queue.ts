import type { Logger } from '@aws-lambda-powertools/logger';
import { ErrorCode } from '@slack/web-api';

/** Slack allows about one message per second per channel (short bursts aside). */
export const DEFAULT_PACE_MS = 1000;
const TRANSIENT_ATTEMPTS = 4;

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  coalesceKey?: string;
  paced: boolean;
  promise: Promise<unknown>;
}

interface Lane {
  jobs: Job[];
  running: boolean;
  lastCallAt: number;
  drained: Promise<void>;
  markDrained: () => void;
}

export interface ChannelQueueOptions {
  paceMs?: number;
  logger?: Logger;
  clock?: () => number;
}

function rateLimitedFor(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number };
  return e?.code === ErrorCode.RateLimitedError ? Math.max(1, Number(e.retryAfter) || 1) * 1000 : undefined;
}

function transient(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number };
  return (
    e?.code === ErrorCode.RequestError || (e?.code === ErrorCode.HTTPError && (e.statusCode ?? 0) >= 500)
  );
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Every message-writing Slack call goes through here: one FIFO lane per channel, calls at least `paceMs` apart,
 * a 429 waits its Retry-After and tries the same call again. Nothing is dropped; a queued status refresh that
 * has not started yet absorbs a newer one (it renders the latest state when it runs).
 */
export class ChannelQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly paceMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: ChannelQueueOptions = {}) {
    this.paceMs = options.paceMs ?? DEFAULT_PACE_MS;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Runs `run` in `lane`'s turn. `paced: false` (ephemeral answers, which are not channel messages) keeps the
   * order but neither waits for nor uses up the channel's pace.
   */
  send<T>(
    laneKey: string,
    run: () => Promise<T>,
    options: { coalesceKey?: string; paced?: boolean } = {},
  ): Promise<T> {
    const lane = this.lane(laneKey);
    if (options.coalesceKey) {
      const queued = lane.jobs.find((j) => j.coalesceKey === options.coalesceKey);
      if (queued) return queued.promise as Promise<T>;
    }
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    lane.jobs.push({
      run,
      resolve,
      reject,
      promise,
      paced: options.paced ?? true,
      ...(options.coalesceKey ? { coalesceKey: options.coalesceKey } : {}),
    });
    if (!lane.running) void this.drain(lane);
    return promise as Promise<T>;
  }

  /** Resolves once every lane is empty (tests and the local stack wait on this, never on time). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.lanes.values()].filter((l) => l.running);
      if (busy.length === 0) return;
      await Promise.all(busy.map((l) => l.drained));
    }
  }

  private lane(channel: string): Lane {
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = {
        jobs: [],
        running: false,
        lastCallAt: Number.NEGATIVE_INFINITY,
        drained: Promise.resolve(),
        markDrained: () => {},
      };
      this.lanes.set(channel, lane);
    }
    return lane;
  }

  private async drain(lane: Lane): Promise<void> {
    lane.running = true;
    lane.drained = new Promise<void>((resolve) => {
      lane.markDrained = resolve;
    });
    try {
      for (let job = lane.jobs[0]; job; job = lane.jobs[0]) {
        // Taken off only now, so a newer refresh can still coalesce into it while it waits for its turn.
        let transientFailures = 0;
        for (;;) {
          const due = job.paced ? lane.lastCallAt + this.paceMs - this.clock() : 0;
          if (due > 0) await wait(due);
          if (lane.jobs[0] === job) lane.jobs.shift();
          try {
            const result = await job.run();
            // Paced from when Slack answered: it counts a message when it arrives, not when it was sent.
            if (job.paced) lane.lastCallAt = this.clock();
            job.resolve(result);
            break;
          } catch (error) {
            if (job.paced) lane.lastCallAt = this.clock();
            const retryAfterMs = rateLimitedFor(error);
            if (retryAfterMs !== undefined) {
              this.options.logger?.warn('slack rate limited; retrying the same call', { retryAfterMs });
              lane.lastCallAt = this.clock() + retryAfterMs - this.paceMs;
              continue;
            }
            if (transient(error) && ++transientFailures < TRANSIENT_ATTEMPTS) {
              lane.lastCallAt = this.clock() + 250 * 2 ** transientFailures - this.paceMs;
              continue;
            }
            job.reject(error);
            break;
          }
        }
      }
    } finally {
      lane.running = false;
      lane.markDrained();
    }
  }
}
