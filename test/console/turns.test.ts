// How browser steps share one machine (the local stack): who gets the next turn, and turns given back while waiting.
import { expect, it } from 'vitest';
import { BrowserTurns, holdTurn } from '../../src/console/turns';

/** The order in which queued takers get their turns as turns are given back one by one. */
async function order(turns: BrowserTurns, takers: Array<{ name: string; since: number; goingOn?: boolean }>) {
  const got: string[] = [];
  const all = takers.map(({ name, since, goingOn }) => turns.take(since, goingOn).then(() => got.push(name)));
  for (let i = 0; i < takers.length; i++) {
    turns.give();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(all);
  return got;
}

it('gives the next turn to the oldest teardown, and to a step going on before one starting', async () => {
  const turns = new BrowserTurns(1);
  await turns.take(1);
  expect(
    await order(turns, [
      { name: 'approved third', since: 300 },
      { name: 'approved first', since: 100 },
      { name: 'going on, approved last', since: 900, goingOn: true },
      { name: 'approved second', since: 200 },
    ]),
  ).toEqual(['going on, approved last', 'approved first', 'approved second', 'approved third']);
});

it('lets as many steps work at once as it has turns, and no more', async () => {
  const turns = new BrowserTurns(2);
  await turns.take(1);
  await turns.take(2);
  let third = false;
  const waiting = turns.take(3).then(() => {
    third = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  expect(third).toBe(false);
  expect(turns.queued).toBe(1);
  turns.give();
  await waiting;
  expect(third).toBe(true);
});

it('gives a step’s turn to another while it waits away, and takes one again before going on', async () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const turns = new BrowserTurns(1);
  const step = await holdTurn(turns, 100);
  let back = false;
  const away = step
    .away(async () => {
      // Another step gets the only turn while this one waits.
      await turns.take(50);
      return 'read';
    })
    .then((value) => {
      back = true;
      return value;
    });
  await tick();
  expect(back).toBe(false);
  // The other step ends: this one goes on.
  turns.give();
  expect(await away).toBe('read');
  step.end();
  step.end();
  // Ended twice, given back once: still one turn, as it was made.
  await turns.take(1);
  let extra = false;
  void turns.take(2).then(() => {
    extra = true;
  });
  await tick();
  expect(extra).toBe(false);
});

it('refuses a number of turns that is not a whole number of at least one', () => {
  for (const size of [0, -1, 1.5, Number.NaN]) expect(() => new BrowserTurns(size)).toThrow(RangeError);
});
