import type { PacingClock } from '../../../src/slack/clock';

interface Sleeper {
  at: number;
  wake: () => void;
}

/**
 * Time that moves only when everything else is waiting for it: `run(work)` lets all that can run now run, then
 * jumps to the earliest sleeper, until `work` settles. No test waits real time for a pace or a Retry-After.
 */
export class FakeClock implements PacingClock {
  private time = 0;
  private sleepers: Sleeper[] = [];
  private somethingSlept: (() => void) | undefined;

  now = (): number => this.time;

  sleep = (ms: number): Promise<void> =>
    new Promise<void>((wake) => {
      this.sleepers.push({ at: this.time + Math.max(0, ms), wake });
      this.somethingSlept?.();
    });

  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      // Everything runnable now runs first (promise chains, and answers of a local server).
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      if (this.sleepers.length === 0) {
        // Still working (a request in flight): wait until it settles or sleeps, never on the wall clock.
        await Promise.race([done, new Promise<void>((resolve) => (this.somethingSlept = resolve))]);
        this.somethingSlept = undefined;
        continue;
      }
      // Stable: sleepers due at the same moment wake in the order they fell asleep.
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers.shift() as Sleeper;
      this.time = Math.max(this.time, next.at);
      next.wake();
    }
  }
}
