import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SimView } from '../../sim/slack';
import { createLogger } from '../../src/common/logger';
import type { LineHolder } from '../../src/pipeline/ports/phone-line-leases';
import { ACTION, PHONE_CODE_INPUT } from '../../src/slack/ids';
import { createSlackOutbox } from '../../src/slack/outbox';
import { SlackPhonePrompter } from '../../src/slack/phone-prompter';
import { captureOutputOf } from '../common/capture-output';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from './support/bot-harness';
import { answersTo, buttons, lastAnswer, visible } from './support/slack-record';

// A person's own phone as the verification line (PHONE_LINES `+1…=U…`): the prompt in the thread says what
// happens; the PIN reaches that person alone (ephemerally), and the code they got goes onto the line's lease.

/** The approver's own phone; the other line is one of ours (the contact flow answers it, nobody in Slack). */
const LINE = '+15557770100';
const OUR_LINE = '+15550142';
const OWNER = PEOPLE.approver;
const PIN = '705512';
const TTL = 20 * 60_000;
const TEN_MINUTES = 10 * 60_000;

let h: BotHarness;
beforeEach(async () => {
  // The bot reads PHONE_LINES from its environment, as its Lambda does.
  vi.stubEnv('PHONE_LINES', `${LINE}=${OWNER},${OUR_LINE}`);
  h = await createBotHarness();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await h?.close();
});

interface Asked {
  holder: LineHolder;
  rootTs: string;
  promptTs: string;
  prompter: SlackPhonePrompter;
}

/** A teardown of `account` with its thread (the request message), without a lease yet. */
async function teardownOf(account: 'sandbox1' | 'sandbox2'): Promise<{ holder: LineHolder; rootTs: string }> {
  const { id } = h.org.accounts[account];
  await h.command(`delete ${id}`);
  await h.settle();
  const teardown = await h.teardown(id);
  const rootTs = h.sim.messages(CHANNEL).find((m) => m.text.includes(id))?.ts;
  if (!teardown || !rootTs) throw new Error(`no teardown of ${id}`);
  return { holder: { accountId: teardown.accountId, teardownId: teardown.teardownId }, rootTs };
}

/**
 * The browser step's side: a teardown leases `line` and its prompter (an outbox of its own on the same workspace,
 * as the browser worker wires it) asks the line's person in the thread.
 */
async function asked(
  direction: 'pin' | 'code',
  options: { line?: string; ttl?: number } = {},
): Promise<Asked> {
  const line = options.line ?? LINE;
  const { holder, rootTs } = await teardownOf('sandbox1');
  const lease = await h.ports.phoneLines.lease([line], holder, h.now(), options.ttl ?? TTL);
  expect(lease?.line).toBe(line);
  const logger = createLogger('browser-test', { logLevel: 'ERROR' });
  const prompter = new SlackPhonePrompter({
    outbox: createSlackOutbox({ botToken: h.bot.botToken, apiUrl: h.sim.apiUrl }, { paceMs: 0, logger }),
    clock: h.now,
    logger,
  });
  await prompter.ask({
    ...holder,
    line,
    person: OWNER,
    direction,
    until: h.now() + TEN_MINUTES,
    slack: { channel: CHANNEL, threadTs: rootTs, requestTs: rootTs },
    stepTitle: 'Complete the sign-up',
  });
  const promptTs = h.sim.thread(CHANNEL, rootTs).at(-1)!.ts;
  return { holder, rootTs, promptTs, prompter };
}

/** Every message anyone in the channel can read, threads included. */
function publicText(): string {
  return h.sim
    .messages(CHANNEL)
    .flatMap((message) => [message, ...h.sim.thread(CHANNEL, message.ts)])
    .map((message) => visible(message))
    .join('\n');
}

/** Runs `work` with the bot logging at its deployed level (INFO) and returns everything it printed. */
async function logsOf(work: () => Promise<void>): Promise<string> {
  h.bot.logger.setLogLevel('INFO');
  try {
    return (await captureOutputOf(work)).text;
  } finally {
    h.bot.logger.setLogLevel('ERROR');
  }
}

describe('Show PIN', () => {
  it('shows the PIN to the person whose phone AWS calls, and to nobody else, nowhere else', async () => {
    const { holder, rootTs, promptTs } = await asked('pin');
    expect(visible(h.sim.message(CHANNEL, promptTs))).toContain(
      `AWS is calling <@${OWNER}>'s phone (…0100) for account \`${holder.accountId}\`: press *Show PIN*`,
    );

    // Before the page showed a PIN there is nothing to show yet.
    await h.click(OWNER, promptTs, ACTION.showPin);
    expect(lastAnswer(h.sim, OWNER)).toContain('No PIN yet');

    expect(await h.ports.phoneLines.setPin(LINE, holder, PIN, h.now())).toBe(true);
    const logs = await logsOf(async () => {
      await h.click(OWNER, promptTs, ACTION.showPin);
      await h.click(PEOPLE.requester, promptTs, ACTION.showPin);
      await h.click(PEOPLE.bystander, promptTs, ACTION.showPin);
      await h.settle();
    });

    const shown = answersTo(h.sim, OWNER).at(-1);
    expect(shown).toMatchObject({ source: 'chat.postEphemeral', thread_ts: rootTs });
    expect(visible(shown)).toContain(`The PIN for account \`${holder.accountId}\` is *${PIN}*`);
    for (const other of [PEOPLE.requester, PEOPLE.bystander]) {
      expect(lastAnswer(h.sim, other)).toContain(
        `Only <@${OWNER}> can do this: AWS is verifying their phone.`,
      );
      expect(
        answersTo(h.sim, other)
          .map((answer) => visible(answer))
          .join('\n'),
      ).not.toContain(PIN);
    }

    // The PIN went to Slack in one call only: the ephemeral to its person.
    const carrying = h.sim.calls.filter((call) => JSON.stringify(call.args).includes(PIN));
    expect(carrying.map((call) => [call.method, call.args.user])).toEqual([['chat.postEphemeral', OWNER]]);
    expect(publicText()).not.toContain(PIN);
    expect(logs).not.toContain(PIN);
    // The prompt stays as it was: the person may need the PIN again.
    expect(buttons(h.sim.message(CHANNEL, promptTs))).toEqual([ACTION.showPin]);
  });

  it('shows nothing once the lease is over or belongs to another teardown', async () => {
    const { holder, promptTs } = await asked('pin', { ttl: 60_000 });
    await h.ports.phoneLines.setPin(LINE, holder, PIN, h.now());

    // The line's lease ran out, and another teardown leased the line and got a PIN of its own.
    h.advanceClock(60_000);
    await h.click(OWNER, promptTs, ACTION.showPin);
    expect(lastAnswer(h.sim, OWNER)).toContain(
      `The phone verification of \`${holder.accountId}\` is over; there is nothing to do here any more.`,
    );
    const other = await teardownOf('sandbox2');
    expect(await h.ports.phoneLines.lease([LINE], other.holder, h.now(), TTL)).toMatchObject({ line: LINE });
    await h.ports.phoneLines.setPin(LINE, other.holder, '909090', h.now());

    await h.click(OWNER, promptTs, ACTION.showPin);
    expect(lastAnswer(h.sim, OWNER)).toContain('is over; there is nothing to do here any more.');
    const everything = JSON.stringify(h.sim.calls.map((call) => call.args));
    expect(everything).not.toContain(PIN);
    expect(everything).not.toContain('909090');
  });

  it("refuses a line that is not a person's own phone", async () => {
    const { holder, promptTs } = await asked('pin', { line: OUR_LINE });
    await h.ports.phoneLines.setPin(OUR_LINE, holder, PIN, h.now());

    await h.click(OWNER, promptTs, ACTION.showPin);
    expect(lastAnswer(h.sim, OWNER)).toContain("The phone …0142 is not a person's own phone");
    expect(JSON.stringify(h.sim.calls.map((call) => call.args))).not.toContain(PIN);
  });
});

describe('Enter code', () => {
  /** Presses Enter code as `userId` and returns the modal that opened, if any. */
  async function enterCode(promptTs: string, userId: string = OWNER): Promise<SimView | undefined> {
    const before = h.sim.views.length;
    await h.click(userId, promptTs, ACTION.enterCode);
    return h.sim.views[before];
  }

  const submit = (view: SimView, text: string, userId: string = OWNER) =>
    h.sim.sendViewSubmission({
      userId,
      view: view.id,
      values: { [PHONE_CODE_INPUT.block]: { [PHONE_CODE_INPUT.action]: text } },
    });

  const modalError = (view: SimView) => h.sim.view(view.id)?.errors?.[PHONE_CODE_INPUT.block];

  it('stores the code its person types on the line lease, and nothing for a bad value or another person', async () => {
    const { holder, rootTs, promptTs } = await asked('code');
    expect(visible(h.sim.message(CHANNEL, promptTs))).toContain(
      `AWS sent a verification code to <@${OWNER}>'s phone (…0100) for account \`${holder.accountId}\`: press *Enter code*`,
    );

    // Someone else gets no modal.
    expect(await enterCode(promptTs, PEOPLE.requester)).toBeUndefined();
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(`Only <@${OWNER}> can do this`);

    const view = await enterCode(promptTs);
    expect(view?.callback_id).toBe('phone_code');
    if (!view) throw new Error('no modal was opened');

    for (const bad of ['12ab56', '123', '123456789', '   ']) {
      await submit(view, bad);
      expect(modalError(view)).toBe('Type the code AWS sent: 4 to 8 digits.');
    }
    // A modal handed to someone else (a forged submission) is refused as well.
    await submit(view, '482913', PEOPLE.requester);
    expect(modalError(view)).toBe('Only the person whose phone AWS is verifying can enter its code.');
    expect(h.sim.view(view.id)?.state).toBe('open');
    expect((await h.ports.phoneLines.holderOf(LINE, h.now()))?.code).toBeUndefined();

    const logs = await logsOf(async () => {
      await submit(view, '482 913');
      await h.settle();
    });
    expect(h.sim.view(view.id)?.state).toBe('closed');
    // Read back through the DynamoDB adapter, as the browser step polls it.
    expect(await h.ports.phoneLines.holderOf(LINE, h.now())).toMatchObject({
      line: LINE,
      ...holder,
      code: '482913',
    });
    expect(answersTo(h.sim, OWNER).at(-1)).toMatchObject({ thread_ts: rootTs });
    expect(lastAnswer(h.sim, OWNER)).toContain(
      `Code received for \`${holder.accountId}\`; the bot enters it on the page.`,
    );
    // Nor in any spelling (a form-encoded request body writes the space as + or %20).
    expect(logs).not.toMatch(/482\D{0,3}913/);
    const leaked = h.sim.calls.filter(
      (call) => !call.method.startsWith('views.') && JSON.stringify(call.args).includes('482'),
    );
    expect(leaked.map((call) => call.method)).toEqual([]);
  });

  it('says in the modal that the verification is over when the lease ran out, and writes nothing', async () => {
    const { holder, promptTs } = await asked('code', { ttl: 60_000 });
    const view = await enterCode(promptTs);
    if (!view) throw new Error('no modal was opened');

    // The lease runs out while the person types; another teardown leases the line.
    h.advanceClock(60_000);
    const other = await teardownOf('sandbox2');
    await h.ports.phoneLines.lease([LINE], other.holder, h.now(), TTL);

    await submit(view, '482913');
    expect(modalError(view)).toBe('This phone verification is over; the code was not used.');
    expect(h.sim.view(view.id)?.state).toBe('open');
    const lease = await h.ports.phoneLines.holderOf(LINE, h.now());
    expect(lease).toMatchObject({ teardownId: other.holder.teardownId });
    expect(lease?.code).toBeUndefined();
    expect(holder.teardownId).not.toBe(other.holder.teardownId);

    // A late press opens no modal at all.
    expect(await enterCode(promptTs)).toBeUndefined();
    expect(lastAnswer(h.sim, OWNER)).toContain('is over; there is nothing to do here any more.');
  });

  it('closes the prompt when the browser step is done with it', async () => {
    const { prompter, holder, promptTs } = await asked('code');
    await prompter.finished({ teardownId: holder.teardownId, line: LINE, outcome: 'verified' });
    expect(visible(h.sim.message(CHANNEL, promptTs))).toContain(
      `The phone (…0100) of account \`${holder.accountId}\` was verified`,
    );
    expect(buttons(h.sim.message(CHANNEL, promptTs))).toEqual([]);
  });
});
