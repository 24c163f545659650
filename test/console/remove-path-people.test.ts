// The phone verification where machines stop: a person's own phone as the line (they see the PIN ephemerally and
// key it in, or type the code they got into the bot's modal), and the cases that go to the thread's Done / Retry /
// Abort: a code read out by voice to our line, a number AWS refuses, no line at all. Real Chromium, simulators.
import { afterEach, describe, expect, it } from 'vitest';
import type { PhoneNetwork } from '../../sim/phone';
import { ACTION, PHONE_CODE_INPUT } from '../../src/slack/ids';
import { CHANNEL, PEOPLE } from '../bot/support/bot-harness';
import { answersTo, buttons, visible } from '../bot/support/slack-record';
import { type RemovePathWorld, removePathWorld } from './remove-path-world';

let w: RemovePathWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const PERSON = PEOPLE.approver;
const PERSON_LINE = '+15557770000';

/** The person's own phone: they answer AWS's call or read its text, and use the bot's buttons in the thread. */
function personsPhone(world: RemovePathWorld, thread: () => string): PhoneNetwork & { heard: string[] } {
  const heard: string[] = [];
  const prompt = (action: string) =>
    world.h.sim.waitFor((sim) => sim.thread(CHANNEL, thread()).find((m) => buttons(m).includes(action)), {
      timeoutMs: 20_000,
    });
  return {
    heard,
    async call() {
      // AWS asks for the PIN: they press Show PIN and key in what the bot shows them alone.
      const shown = await prompt(ACTION.showPin);
      await world.h.click(PERSON, shown.ts, ACTION.showPin);
      const pin = /is \*(\d{4,8})\*/.exec(visible(answersTo(world.h.sim, PERSON).at(-1)))?.[1] ?? '';
      heard.push(pin);
      return { digits: pin };
    },
    async sms({ body }) {
      const code = /(\d{6})/.exec(body)?.[1] ?? '';
      const entry = await prompt(ACTION.enterCode);
      const views = world.h.sim.views.length;
      await world.h.click(PERSON, entry.ts, ACTION.enterCode);
      const modal = world.h.sim.views[views];
      if (!modal) throw new Error('no code modal opened');
      await world.h.sim.sendViewSubmission({
        userId: PERSON,
        view: modal.id,
        values: { [PHONE_CODE_INPUT.block]: { [PHONE_CODE_INPUT.action]: code } },
      });
      heard.push(code);
    },
  };
}

describe.each(['pin', 'code-sms'] as const)("a person's own phone as the line (%s)", (verification) => {
  it('asks that person in the thread and finishes the removal with what they keyed in or typed', async () => {
    w = await removePathWorld({
      lines: [{ number: PERSON_LINE, person: PERSON }],
      accounts: { verification },
    });
    const world = w;
    let thread = '';
    const phone = personsPhone(world, () => thread);
    world.rig.sim.setPhoneNetwork(phone);
    const { id } = world.h.org.accounts.sandbox1;
    thread = await world.requestApprovedRemoval(id);
    await world.deliverMails();

    const t = await world.teardown(id);
    expect(t, t.wait?.reason ?? t.lastError).toMatchObject({ status: 'succeeded' });
    expect(world.rig.sim.account(id)).toMatchObject({
      verifiedPhone: PERSON_LINE,
      removed: true,
      closed: true,
    });
    expect(phone.heard).toHaveLength(1);
    // The prompt, rewritten once verified; the PIN or code in no message anyone else can see.
    const texts = [...world.h.sim.messages(CHANNEL), ...world.h.sim.thread(CHANNEL, thread)].map((m) =>
      visible(m),
    );
    expect(texts.some((text) => text.includes(`The phone (…0000) of account \`${id}\` was verified`))).toBe(
      true,
    );
    const secret = new RegExp(`(?<!\\d)${phone.heard[0]}(?!\\d)`);
    expect(texts.filter((text) => secret.test(text.replace(/<!date\^\d+\^[^>]*>/g, '')))).toEqual([]);
  });
});

describe('what goes to the people in the thread', () => {
  it.each([
    {
      name: 'a code read out by voice to our line',
      world: { accounts: { verification: 'code-voice-only' as const } },
      reason: /only a voice call that speaks a code/,
    },
    {
      name: 'a number AWS refuses',
      world: { sim: { refusedNumbers: ['+15550100'] } },
      reason: /will not verify the line ending 0100/,
    },
    {
      name: 'no line configured',
      world: { lines: [] },
      reason: /No phone line is configured \(PHONE_LINES\)/,
    },
  ])('$name: Done / Retry / Abort, the line free again', async ({ world: options, reason }) => {
    w = await removePathWorld(options);
    const { id } = w.h.org.accounts.sandbox1;
    const thread = await w.requestApprovedRemoval(id);
    await w.deliverMails();
    const t = await w.teardown(id);
    expect(t).toMatchObject({ step: 'verify-phone', stepStatus: 'waiting', wait: { signal: 'human' } });
    expect(t.wait?.reason).toMatch(reason);
    const prompt = w.h.sim.thread(CHANNEL, thread).find((m) => buttons(m).includes(ACTION.done));
    expect(prompt && buttons(prompt)).toEqual([ACTION.done, ACTION.retry, ACTION.abort]);
    expect(await w.h.ports.phoneLines.holderOf('+15550100', w.h.now())).toBeUndefined();
  });
});
