import type { Logger } from '@aws-lambda-powertools/logger';
import { ErrorCode } from '@slack/web-api';
import { type PacingClock, realTime } from './clock';

/** Slack allows about one message per second per channel (short bursts aside). */
const DEFAULT_PACE_MS = 1000;

/** How many chat.update calls may go out: `perMinute` on average, `burst` at once. */
export interface UpdateRate {
  perMinute: number;
  burst: number;
}

/**
 * chat.update is in Slack's Tier 3: 50+ calls a minute per workspace, counted per minute, so a minute's worth may
 * go at once. A 429 beyond it is still waited out.
 */
const DEFAULT_UPDATE_RATE: UpdateRate = { perMinute: 50, burst: 50 };

const TRANSIENT_ATTEMPTS = 4;

/**
 * How a call is paced. `post` (chat.postMessage, file shares): at least `paceMs` apart per channel, measured from
 * Slack's answer. `update` (chat.update): from the workspace's update budget, never behind the channel's posts.
 * `unpaced` (ephemerals, which are not channel messages): not at all. Calls of one kind keep their order within
 * their channel.
 */
export type Pacing = 'post' | 'update' | 'unpaced';

export interface ChannelQueueOptions {
  /** Minimum time between two posts in one channel (default 1 s). */
  paceMs?: number | undefined;
  /** The workspace's chat.update budget (default DEFAULT_UPDATE_RATE). */
  updates?: UpdateRate;
  logger?: Logger;
  /** Reads and waits out time; real time by default. */
  clock?: PacingClock;
}

export interface SendOptions {
  pacing?: Pacing;
  /** A queued call with the same key that has not started yet stands for this one too. */
  coalesceKey?: string;
  /**
   * Someone waits on this call (a command's answer is held until it is posted): it goes before the calls queued
   * in its lane, after the one whose turn it is and after earlier such calls, still paced.
   */
  ahead?: boolean;
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  coalesceKey?: string;
  ahead?: boolean;
  promise: Promise<unknown>;
}

interface Lane {
  pacing: Pacing;
  jobs: Job[];
  running: boolean;
  /** This lane's own limit: the channel's pace after a post, a Retry-After, a back-off after a failure. */
  notBefore: number;
  drained: Promise<void>;
  markDrained: () => void;
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

/** Up to `burst` calls at once, refilled at `perMinute`. */
class TokenBucket {
  private tokens: number;
  private refilledAt: number | undefined;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private readonly msPerToken: number;

  constructor(private readonly rate: UpdateRate) {
    if (!(rate.perMinute > 0 && Number.isFinite(rate.perMinute) && rate.burst >= 1)) {
      throw new Error(`an update rate needs perMinute > 0 and burst >= 1, got ${JSON.stringify(rate)}`);
    }
    this.tokens = rate.burst;
    this.msPerToken = 60_000 / rate.perMinute;
  }

  /** How long until a call may go; 0 when one may go now. */
  delay(now: number): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.msPerToken);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** Slack's Retry-After: nothing before `until`, then one call, then the average rate again. */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.tokens = 1;
    this.refilledAt = this.pausedUntil;
  }

  private refill(now: number): void {
    if (this.refilledAt === undefined || now < this.refilledAt) {
      this.refilledAt ??= now;
      return;
    }
    this.tokens = Math.min(this.rate.burst, this.tokens + (now - this.refilledAt) / this.msPerToken);
    this.refilledAt = now;
  }
}

/**
 * Every message-writing Slack call goes through here, paced the way Slack limits it (see `Pacing`): posts one
 * FIFO lane per channel, updates another per channel drawing on one budget for the workspace, so a message's
 * rewrite never waits behind the channel's queued posts. A 429 waits its Retry-After and tries the same call
 * again (holding back the channel's posts, or every update); network and 5xx errors are retried a few times.
 * Nothing is dropped; a queued status refresh that has not started yet absorbs a newer one (it renders the
 * latest state when it runs).
 */
export class ChannelQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly paceMs: number;
  private readonly clock: PacingClock;
  private readonly updates: TokenBucket;

  constructor(private readonly options: ChannelQueueOptions = {}) {
    this.paceMs = options.paceMs ?? DEFAULT_PACE_MS;
    this.clock = options.clock ?? realTime;
    this.updates = new TokenBucket(options.updates ?? DEFAULT_UPDATE_RATE);
  }

  /** Runs `run` in its turn among the calls of the same pacing in `channel`. */
  send<T>(channel: string, run: () => Promise<T>, options: SendOptions = {}): Promise<T> {
    const lane = this.lane(options.pacing ?? 'post', channel);
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
    const job: Job = {
      run,
      resolve,
      reject,
      promise,
      ...(options.coalesceKey ? { coalesceKey: options.coalesceKey } : {}),
      ...(options.ahead ? { ahead: true } : {}),
    };
    if (options.ahead) {
      // The lane's first job may be in its turn already (taken off only once it runs): it stays first.
      let at = lane.running ? 1 : 0;
      while (at < lane.jobs.length && lane.jobs[at]?.ahead) at++;
      lane.jobs.splice(at, 0, job);
    } else {
      lane.jobs.push(job);
    }
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

  private lane(pacing: Pacing, channel: string): Lane {
    const key = `${pacing} ${channel}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = {
        pacing,
        jobs: [],
        running: false,
        notBefore: Number.NEGATIVE_INFINITY,
        drained: Promise.resolve(),
        markDrained: () => {},
      };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Waits until both the lane's own limit and, for updates, the workspace's budget let a call go. */
  private async turn(lane: Lane): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const shared = lane.pacing === 'update' ? this.updates.delay(now) : 0;
      const wait = Math.max(lane.notBefore - now, shared);
      if (wait <= 0) {
        if (lane.pacing === 'update') this.updates.take(now);
        return;
      }
      await this.clock.sleep(wait);
    }
  }

  private async drain(lane: Lane): Promise<void> {
    lane.running = true;
    lane.drained = new Promise<void>((resolve) => {
      lane.markDrained = resolve;
    });
    try {
      for (let job = lane.jobs[0]; job; job = lane.jobs[0]) {
        let transientFailures = 0;
        for (;;) {
          await this.turn(lane);
          // Taken off only now, so a newer refresh can still coalesce into it while it waits for its turn.
          if (lane.jobs[0] === job) lane.jobs.shift();
          try {
            const result = await job.run();
            this.answered(lane);
            job.resolve(result);
            break;
          } catch (error) {
            this.answered(lane);
            const retryAfterMs = rateLimitedFor(error);
            if (retryAfterMs !== undefined) {
              this.options.logger?.warn('slack rate limited; retrying the same call', {
                pacing: lane.pacing,
                retryAfterMs,
              });
              // Slack limits updates per workspace and posts per channel: the 429 holds back the same scope.
              const until = this.clock.now() + retryAfterMs;
              if (lane.pacing === 'update') this.updates.pause(until);
              else lane.notBefore = Math.max(lane.notBefore, until);
              continue;
            }
            if (transient(error) && ++transientFailures < TRANSIENT_ATTEMPTS) {
              lane.notBefore = Math.max(lane.notBefore, this.clock.now() + 250 * 2 ** transientFailures);
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

  /** Posts are paced from when Slack answered: it counts a message when it arrives, not when it was sent. */
  private answered(lane: Lane): void {
    if (lane.pacing === 'post') lane.notBefore = this.clock.now() + this.paceMs;
  }
}
