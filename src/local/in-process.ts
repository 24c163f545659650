import type { Worker } from '../pipeline/catalogue';
import type { Dispatcher, WorkItem } from '../pipeline/ports/dispatcher';
import type { TimerRequest, Timers } from '../pipeline/ports/timers';

type Target = (worker: Worker, item: WorkItem) => Promise<unknown>;

/**
 * Dispatch without Lambda: each hand-off runs on a later turn of the event loop, like an asynchronous
 * invocation. `idle()` resolves once nothing is running or queued (tests wait on it instead of sleeping).
 */
export class InProcessDispatcher implements Dispatcher {
  private target: Target | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private held: Array<() => void> | undefined;
  readonly errors: unknown[] = [];
  readonly workers: ReadonlySet<Worker>;
  dispatched = 0;

  /** `workers`: the workers this process runs (the local stack and tests name the browser only once it exists). */
  constructor(workers: Iterable<Worker> = ['pipeline']) {
    this.workers = new Set(workers);
  }

  /** The runner is built with this dispatcher, so it is connected afterwards. */
  connect(target: Target): void {
    this.target = target;
  }

  async dispatch(worker: Worker, item: WorkItem): Promise<void> {
    const target = this.target;
    if (!target) throw new Error('InProcessDispatcher is not connected to a runner');
    this.dispatched++;
    const held = this.held;
    const run: Promise<unknown> = new Promise<void>((resolve) =>
      held ? held.push(resolve) : setImmediate(resolve),
    )
      .then(() => target(worker, item))
      .catch((error: unknown) => {
        this.errors.push(error);
      })
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** Keeps hand-offs queued until `release()`, to place something between two steps. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

export type PendingTimer = TimerRequest;

// setTimeout takes at most 2^31-1 ms; longer waits are re-armed.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Timers without EventBridge Scheduler. With `realTime`, each fires by itself at its time (the local stack);
 * without, `fireDue()` fires those due by the given clock (tests move the clock instead of sleeping).
 */
export class InProcessTimers implements Timers {
  private readonly pending = new Map<string, PendingTimer>();
  private readonly handles = new Map<string, NodeJS.Timeout>();

  constructor(
    /** Gets the whole request: its `action` says what the timer is for. */
    private readonly onFire: (timer: PendingTimer) => Promise<unknown>,
    private readonly options: { clock: () => number; realTime: boolean },
  ) {}

  async schedule(timer: PendingTimer): Promise<void> {
    // Like a named schedule: asking again for the same key changes nothing.
    if (this.pending.has(timer.key)) return;
    this.pending.set(timer.key, timer);
    if (this.options.realTime) this.arm(timer);
  }

  private arm(timer: PendingTimer): void {
    const delay = Math.max(0, timer.at - this.options.clock());
    const handle = setTimeout(
      () => {
        if (timer.at > this.options.clock()) return this.arm(timer);
        this.pending.delete(timer.key);
        this.handles.delete(timer.key);
        void this.onFire(timer);
      },
      Math.min(delay, MAX_TIMEOUT_MS),
    );
    handle.unref();
    this.handles.set(timer.key, handle);
  }

  list(): PendingTimer[] {
    return [...this.pending.values()].sort((a, b) => a.at - b.at);
  }

  /** Fires every timer due by now (by the clock); returns how many fired. */
  async fireDue(): Promise<number> {
    const now = this.options.clock();
    const due = this.list().filter((t) => t.at <= now);
    for (const timer of due) {
      this.pending.delete(timer.key);
      await this.onFire(timer);
    }
    return due.length;
  }

  stop(): void {
    for (const handle of this.handles.values()) clearTimeout(handle);
    this.handles.clear();
  }
}
