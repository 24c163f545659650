// The remove path's hard cases on the simulators, in real Chromium: a young account waits for its timer, a
// refused card goes to a person, a missing prerequisite sends the teardown back to the wizard, and several
// teardowns share the phone lines: one line serves them in turn, a pool of three side by side.
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids';
import { CHANNEL } from '../bot/support/bot-harness';
import { buttons, visible } from '../bot/support/slack-record';
import { TEST_CARD } from '../support/console-rig';
import { type RemovePathWorld, removePathWorld } from './remove-path-world';

let w: RemovePathWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const DAY = 86_400_000;

/** Requests and approves a removal of each account, then delivers the reset mails; returns the thread of each. */
async function removeAll(world: RemovePathWorld, ids: string[]): Promise<string[]> {
  const threads: string[] = [];
  for (const id of ids) threads.push(await world.requestApprovedRemoval(id));
  await world.deliverMails();
  return threads;
}

async function waitedForLine(world: RemovePathWorld, id: string): Promise<boolean> {
  const t = await world.teardown(id);
  const events = await world.h.store.events(id as never, t.teardownId);
  return events.some((e) => /waiting for a free phone line/.test(e.detail ?? ''));
}

describe('the remove path when AWS says not yet', () => {
  it('waits until a created account is 4 days old, then removes and closes it', async () => {
    // Joined a day ago: AWS lets it leave in three days.
    w = await removePathWorld();
    const world = w;
    const { id } = world.h.org.accounts.sandbox1;
    world.rig.sim.updateAccount(id, { joinedAt: world.h.now() - DAY });
    await removeAll(world, [id]);
    const waiting = await world.teardown(id);
    expect(waiting).toMatchObject({ step: 'remove-from-org', stepStatus: 'waiting' });
    expect(waiting.wait?.reason).toMatch(/4 days after it joined/);
    expect(waiting.wait?.until).toBeGreaterThan(world.h.now() + 2 * DAY);
    expect(world.rig.sim.account(id)?.removed).toBe(false);

    // Four days on (the root session has long expired: closing as root signs in again).
    await world.h.runAllTimers();
    const t = await world.teardown(id);
    expect(t, t.wait?.reason ?? t.lastError).toMatchObject({ status: 'succeeded' });
    expect(world.rig.sim.account(id)).toMatchObject({ removed: true, closed: true });
  });

  it('goes back to the sign-up wizard when AWS says a prerequisite is missing, then removes the account', async () => {
    w = await removePathWorld();
    const world = w;
    const { id } = world.h.org.accounts.sandbox1;
    // Right before the first removal, AWS forgets the phone verification (as when a verification did not stick).
    world.proxy.before('RemoveAccountFromOrganization', () => {
      world.rig.sim.updateAccount(id, { signup: { phone: false } });
    });
    await removeAll(world, [id]);
    const t = await world.teardown(id);
    expect(t, t.wait?.reason ?? t.lastError).toMatchObject({ status: 'succeeded' });
    const events = await world.h.store.events(id as never, t.teardownId);
    const back = events.find((e) => e.action === 'went-back');
    expect(back).toMatchObject({ step: 'remove-from-org', outcome: 'complete-signup' });
    expect(back?.detail).toMatch(/ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION/);
    // The phone was verified twice: once, then again after going back.
    expect(world.phone.calls()).toHaveLength(2);
    expect(world.rig.sim.account(id)).toMatchObject({ removed: true, closed: true });
  });

  it('asks a person, with the page own words, when AWS refuses the card', async () => {
    w = await removePathWorld({ sim: { declinedCards: [TEST_CARD.number] } });
    const { id } = w.h.org.accounts.sandbox1;
    const [thread] = await removeAll(w, [id]);
    const t = await w.teardown(id);
    expect(t).toMatchObject({ step: 'complete-signup', stepStatus: 'waiting', wait: { signal: 'human' } });
    expect(t.wait?.reason).toMatch(
      /AWS did not take the payment card: "There was a problem with your payment information/,
    );
    const prompt = w.h.sim.thread(CHANNEL, thread ?? '').find((m) => buttons(m).includes(ACTION.done));
    expect(prompt && visible(prompt)).toMatch(/did not take the payment card/);
    const everything = JSON.stringify(w.h.sim.thread(CHANNEL, thread ?? ''));
    expect(everything).not.toContain(TEST_CARD.number);
    expect(everything).not.toContain(TEST_CARD.number.slice(-4));
    expect(w.rig.sim.account(id)?.signup.payment).toBe(false);
  });
});

// Three Chromiums at once on a small machine: these take longer than the usual 90 s.
describe('several teardowns and the phone-line pool', { timeout: 240_000 }, () => {
  it('gives one line to three teardowns in turn, each hearing or reading only its own PIN or code', async () => {
    let ids: string[] = [];
    // Waiting its turn: queued for the line, in the page (next in line) or in a wait of the step (further back).
    let sawQueued = false;
    const someoneQueued = async (world: RemovePathWorld) => {
      const queued = await Promise.all(
        ids.map(async (id) => {
          const t = await world.h.teardown(id);
          const holder = { accountId: id as never, teardownId: t?.teardownId ?? '' };
          return (
            t !== undefined && (await world.h.ports.phoneLines.position(holder, Date.now())) !== undefined
          );
        }),
      );
      sawQueued ||= queued.some(Boolean);
      return sawQueued;
    };
    // The line's first holder keeps it until another teardown has come and found it busy.
    w = await removePathWorld({ holdLineUntil: () => (w ? someoneQueued(w) : Promise.resolve(false)) });
    const world = w;
    const { sandbox1, sandbox2, teamA } = world.h.org.accounts;
    world.rig.sim.updateAccount(sandbox2.id, { verification: 'code-sms' });
    ids = [sandbox1.id, sandbox2.id, teamA.id];
    await removeAll(world, ids);
    await world.h.runAllTimers();
    for (const id of ids) {
      const t = await world.teardown(id);
      expect(t, t.wait?.reason ?? t.lastError).toMatchObject({ status: 'succeeded' });
      // The simulated AWS verified each account only with the PIN it showed, or the code it sent, for it.
      expect(world.rig.sim.account(id)).toMatchObject({
        verifiedPhone: '+15550100',
        removed: true,
        closed: true,
      });
    }
    expect(world.phone.calls().map((c) => c.to)).toEqual(['+15550100', '+15550100']);
    expect(world.phone.messages().map((m) => m.to)).toEqual(['+15550100']);
    // Only one holds the line at a time: no two calls overlapped, and a teardown that came while another held
    // the line waited its turn.
    expect(world.mostCallsAtOnce()).toBe(1);
    expect(sawQueued).toBe(true);
  });

  it('runs three teardowns side by side with a pool of three lines', async () => {
    const lines = ['+15550100', '+15550101', '+15550102'];
    w = await removePathWorld({ lines: lines.map((number) => ({ number })), callsTogether: 3 });
    const world = w;
    const { sandbox1, sandbox2, teamA } = world.h.org.accounts;
    const ids = [sandbox1.id, sandbox2.id, teamA.id];
    await removeAll(world, ids);
    for (const id of ids) {
      const t = await world.teardown(id);
      expect(t, t.wait?.reason ?? t.lastError).toMatchObject({ status: 'succeeded' });
    }
    // All three calls were in progress at once, each on its own line.
    expect(world.mostCallsAtOnce()).toBe(3);
    expect(new Set(world.phone.calls().map((c) => c.to))).toEqual(new Set(lines));
    expect(new Set(ids.map((id) => world.rig.sim.account(id)?.verifiedPhone))).toEqual(new Set(lines));
    // Nobody waited for a line.
    expect(await Promise.all(ids.map((id) => waitedForLine(world, id)))).toEqual([false, false, false]);
  });
});

it('leases a line that can take what the page does: a text goes to the texting line, not the first one', async () => {
  w = await removePathWorld({
    lines: [
      { number: '+15550100', takes: 'calls' },
      { number: '+15550101', takes: 'texts' },
    ],
    accounts: { verification: 'code-sms' },
  });
  const { id } = w.h.org.accounts.sandbox1;
  await removeAll(w, [id]);
  expect(await w.teardown(id)).toMatchObject({ status: 'succeeded' });
  expect(w.phone.messages().map((m) => m.to)).toEqual(['+15550101']);
  expect(w.rig.sim.account(id)?.verifiedPhone).toBe('+15550101');
});
