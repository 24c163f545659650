// Tests src/local/in-process.ts: the in-process stand-ins for the pipeline's Dispatcher and Timers ports.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AccountId, parseAccountId } from '../../src/common/account-id';
import { InProcessDispatcher, InProcessTimers } from '../../src/local/in-process';
import type { Worker } from '../../src/pipeline/catalogue';

const A = parseAccountId('111111111111');
const B = parseAccountId('222222222222');
const C = parseAccountId('333333333333');
const item = (accountId: AccountId) => ({ accountId, teardownId: `t-${accountId}` });

/** Lets the event loop run a few turns (immediates and the promise jobs between them); no time passes. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('InProcessDispatcher', () => {
  function recording(): { dispatcher: InProcessDispatcher; calls: Array<[Worker, AccountId]> } {
    const dispatcher = new InProcessDispatcher();
    const calls: Array<[Worker, AccountId]> = [];
    dispatcher.connect(async (worker, { accountId }) => {
      calls.push([worker, accountId]);
    });
    return { dispatcher, calls };
  }

  it('refuses to dispatch before it is connected to a runner', async () => {
    await expect(new InProcessDispatcher().dispatch('pipeline', item(A))).rejects.toThrow(
      'InProcessDispatcher is not connected to a runner',
    );
  });

  it('runs the hand-off later, like an asynchronous invocation, not inside dispatch', async () => {
    const { dispatcher, calls } = recording();
    await dispatcher.dispatch('browser', item(A));
    expect(calls).toEqual([]);
    expect(dispatcher.dispatched).toBe(1);

    await dispatcher.idle();
    expect(calls).toEqual([['browser', A]]);
  });

  it('runs several hand-offs in the order they were made', async () => {
    const { dispatcher, calls } = recording();
    await dispatcher.dispatch('pipeline', item(A));
    await dispatcher.dispatch('browser', item(B));
    await dispatcher.dispatch('pipeline', item(C));
    await dispatcher.idle();
    expect(calls).toEqual([
      ['pipeline', A],
      ['browser', B],
      ['pipeline', C],
    ]);
    expect(dispatcher.dispatched).toBe(3);
  });

  it('idle() waits for a whole chain of hand-offs, each made by the one before', async () => {
    const dispatcher = new InProcessDispatcher();
    const ran: AccountId[] = [];
    const chain: Record<string, AccountId | undefined> = { [A]: B, [B]: C, [C]: undefined };
    dispatcher.connect(async (worker, { accountId }) => {
      await Promise.resolve(); // the runner awaits its store before handing on
      ran.push(accountId);
      const following = chain[accountId];
      if (following) await dispatcher.dispatch(worker, item(following));
    });

    await dispatcher.dispatch('pipeline', item(A));
    await dispatcher.idle();
    expect(ran).toEqual([A, B, C]);
    expect(dispatcher.dispatched).toBe(3);
  });

  it('idle() resolves at once when nothing was dispatched', async () => {
    await expect(new InProcessDispatcher().idle()).resolves.toBeUndefined();
  });

  it('collects what a hand-off threw instead of losing it, and goes on with the others', async () => {
    const dispatcher = new InProcessDispatcher();
    const ran: AccountId[] = [];
    const failure = new Error('step blew up');
    dispatcher.connect(async (_worker, { accountId }) => {
      if (accountId === A) throw failure;
      ran.push(accountId);
    });

    await dispatcher.dispatch('pipeline', item(A));
    await dispatcher.dispatch('pipeline', item(B));
    await dispatcher.idle();
    expect(dispatcher.errors).toEqual([failure]);
    expect(ran).toEqual([B]);
  });

  it('keeps hand-offs queued while held and runs them, in order, once released', async () => {
    const { dispatcher, calls } = recording();
    dispatcher.hold();
    await dispatcher.dispatch('pipeline', item(A));
    await dispatcher.dispatch('browser', item(B));

    let idled = false;
    const idle = dispatcher.idle().then(() => {
      idled = true;
    });
    await turns();
    expect(calls).toEqual([]);
    expect(idled).toBe(false);

    dispatcher.release();
    await idle;
    expect(calls).toEqual([
      ['pipeline', A],
      ['browser', B],
    ]);
  });

  it('runs hand-offs made after release right away again', async () => {
    const { dispatcher, calls } = recording();
    dispatcher.hold();
    dispatcher.release();
    await dispatcher.dispatch('pipeline', item(A));
    await dispatcher.idle();
    expect(calls).toEqual([['pipeline', A]]);
  });
});

describe('InProcessTimers driven by a clock (tests)', () => {
  const T0 = Date.UTC(2026, 0, 5, 9);
  const MINUTE = 60_000;

  function manual(): { timers: InProcessTimers; fired: AccountId[]; setNow: (t: number) => void } {
    let now = T0;
    const fired: AccountId[] = [];
    const timers = new InProcessTimers(
      async ({ accountId }) => {
        fired.push(accountId);
      },
      { clock: () => now, realTime: false },
    );
    return { timers, fired, setNow: (t) => (now = t) };
  }

  it('fires only the timers that are due, oldest first, and keeps the rest', async () => {
    const { timers, fired, setNow } = manual();
    await timers.schedule({ ...item(C), at: T0 + 3 * MINUTE, key: 'c' });
    await timers.schedule({ ...item(B), at: T0 + 2 * MINUTE, key: 'b' });
    await timers.schedule({ ...item(A), at: T0 + 1 * MINUTE, key: 'a' });

    setNow(T0 + 2 * MINUTE);
    expect(await timers.fireDue()).toBe(2);
    expect(fired).toEqual([A, B]);
    expect(timers.list()).toEqual([{ ...item(C), at: T0 + 3 * MINUTE, key: 'c' }]);
  });

  it('fires each timer once', async () => {
    const { timers, fired, setNow } = manual();
    await timers.schedule({ ...item(A), at: T0 + MINUTE, key: 'a' });
    setNow(T0 + 5 * MINUTE);
    expect(await timers.fireDue()).toBe(1);
    expect(await timers.fireDue()).toBe(0);
    expect(fired).toEqual([A]);
    expect(timers.list()).toEqual([]);
  });

  it('fires nothing before its time', async () => {
    const { timers, fired, setNow } = manual();
    await timers.schedule({ ...item(A), at: T0 + MINUTE, key: 'a' });
    setNow(T0 + MINUTE - 1);
    expect(await timers.fireDue()).toBe(0);
    expect(fired).toEqual([]);
    setNow(T0 + MINUTE);
    expect(await timers.fireDue()).toBe(1);
  });

  it('does not fire by itself without realTime, even when overdue', async () => {
    const { timers, fired } = manual();
    await timers.schedule({ ...item(A), at: T0 - MINUTE, key: 'a' });
    await turns();
    expect(fired).toEqual([]);
    expect(timers.list()).toHaveLength(1);
  });

  // Regression: a second schedule for the same key used to arm a second timeout in real-time mode.
  it('treats a second schedule with the same key as the same timer, like a named schedule', async () => {
    const { timers, fired, setNow } = manual();
    await timers.schedule({ ...item(A), at: T0 + MINUTE, key: 'a' });
    await timers.schedule({ ...item(A), at: T0 + 2 * MINUTE, key: 'a' });
    expect(timers.list()).toEqual([{ ...item(A), at: T0 + MINUTE, key: 'a' }]);
    setNow(T0 + 2 * MINUTE);
    expect(await timers.fireDue()).toBe(1);
    expect(fired).toEqual([A]);
  });

  it('lists pending timers by time', async () => {
    const { timers } = manual();
    await timers.schedule({ ...item(B), at: T0 + 9, key: 'b' });
    await timers.schedule({ ...item(A), at: T0 + 1, key: 'a' });
    expect(timers.list().map((t) => t.key)).toEqual(['a', 'b']);
  });
});

describe('InProcessTimers in real time (the local stack)', () => {
  let timers: InProcessTimers | undefined;
  afterEach(() => {
    timers?.stop();
    timers = undefined;
    vi.useRealTimers();
  });

  it('fires by itself once its time has come', async () => {
    let fire!: (accountId: AccountId) => void;
    const fired = new Promise<AccountId>((resolve) => {
      fire = resolve;
    });
    timers = new InProcessTimers(async ({ accountId }) => fire(accountId), {
      clock: Date.now,
      realTime: true,
    });
    const at = Date.now() + 25;
    await timers.schedule({ ...item(A), at, key: 'a' });
    expect(timers.list()).toHaveLength(1);

    expect(await fired).toBe(A);
    expect(Date.now()).toBeGreaterThanOrEqual(at);
    expect(timers.list()).toEqual([]);
  });

  it('stop() keeps armed timers from firing', async () => {
    const fired: AccountId[] = [];
    let sawB!: () => void;
    const bFired = new Promise<void>((resolve) => {
      sawB = resolve;
    });
    timers = new InProcessTimers(
      async ({ accountId }) => {
        fired.push(accountId);
        if (accountId === B) sawB();
      },
      { clock: Date.now, realTime: true },
    );
    await timers.schedule({ ...item(A), at: Date.now() + 5, key: 'a' });
    timers.stop();
    // B is due after A: once B has fired, A would have fired too had it not been stopped.
    await timers.schedule({ ...item(B), at: Date.now() + 30, key: 'b' });
    await bFired;
    expect(fired).toEqual([B]);
  });

  it('does not fire a wait longer than setTimeout’s limit (2^31-1 ms) early', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 9) });
    const fired: AccountId[] = [];
    timers = new InProcessTimers(
      async ({ accountId }) => {
        fired.push(accountId);
      },
      { clock: () => Date.now(), realTime: true },
    );
    const limit = 2 ** 31 - 1;
    const at = Date.now() + 30 * 86_400_000; // a 30-day close-quota wait, longer than 24.8 days
    await timers.schedule({ ...item(A), at, key: 'quota' });

    vi.advanceTimersByTime(1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(limit);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(at - Date.now() - 1);
    expect(fired).toEqual([]);
    expect(timers.list()).toHaveLength(1);

    vi.advanceTimersByTime(1);
    expect(fired).toEqual([A]);
    expect(timers.list()).toEqual([]);
  });
});
