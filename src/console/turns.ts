/**
 * Browser steps taking turns on one machine's CPU (the local stack: one Chromium and every teardown on a couple of
 * cores). Twenty steps at once share the CPU evenly, so every teardown reaches the phone lines late, all together;
 * in turns, older teardowns go first and reach the lines early while the younger catch up during the calls. A step
 * gives its turn back while it waits on the outside world (2captcha, people) and, to go on, comes before any step
 * that has not started. Lambda runs each step on its own CPU and takes no turns.
 */
export class BrowserTurns {
  private free: number;
  private readonly waiting: Array<{ goingOn: boolean; since: number; start: () => void }> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('turns need a whole number of at least 1');
    this.free = size;
  }

  /** Waits for a turn. `since`: when the teardown was approved (older first); `goingOn`: the step had one. */
  take(since: number, goingOn = false): Promise<void> {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((start) => {
      const entry = { goingOn, since, start };
      const at = this.waiting.findIndex((other) => before(entry, other));
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, entry);
    });
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.free = Math.min(this.size, this.free + 1);
  }

  /** Steps waiting for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }
}

const before = (a: { goingOn: boolean; since: number }, b: { goingOn: boolean; since: number }): boolean =>
  a.goingOn !== b.goingOn ? a.goingOn : a.since < b.since;

/** Runs `wait` with the step's turn given back meanwhile, and takes one again before going on. */
export type AwayFromTurn = <T>(wait: () => Promise<T>) => Promise<T>;

/** Without turns (Lambda), waiting is just waiting. */
export const noTurns: AwayFromTurn = (wait) => wait();

/** A step's hold on its turn: taken once, given back while it waits, and given up at its end. */
export async function holdTurn(turns: BrowserTurns, since: number) {
  await turns.take(since);
  let held = true;
  const away: AwayFromTurn = async (wait) => {
    if (!held) return wait();
    held = false;
    turns.give();
    try {
      return await wait();
    } finally {
      await turns.take(since, true);
      held = true;
    }
  };
  return {
    away,
    end() {
      if (held) turns.give();
      held = false;
    },
  };
}
