import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimView } from '../../sim/slack';
import type { AccountId } from '../../src/common/account-id';
import { createLogger } from '../../src/common/logger';
import { SlackCaptchaPrompter } from '../../src/slack/captcha-prompter';
import { ACTION, CAPTCHA_INPUT } from '../../src/slack/ids';
import { createSlackOutbox } from '../../src/slack/outbox';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from './support/bot-harness';
import { buttons, lastAnswer, requestMessage, visible } from './support/slack-record';

// A browser page holds a CAPTCHA open and polls the challenge store: a Solve answer goes into the store (the
// first valid one wins), never through the pipeline.

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => h?.close());

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const TEN_MINUTES = 10 * 60_000;

interface Asked {
  accountId: AccountId;
  teardownId: string;
  rootTs: string;
  promptTs: string;
  prompter: SlackCaptchaPrompter;
}

/**
 * A teardown with its thread, a challenge opened in the store (unless `open` is false) and the prompt posted by
 * the prompter as the browser worker wires it: an outbox of its own on the same workspace.
 */
async function asked(
  challengeId: string,
  options: { open?: boolean; expiresIn?: number; teardownId?: string } = {},
): Promise<Asked> {
  const { id } = h.org.accounts.sandbox1;
  let teardown = await h.teardown(id);
  if (!teardown) {
    await h.command(`delete ${id}`);
    await h.settle();
    teardown = await h.teardown(id);
  }
  const accountId = teardown!.accountId;
  const teardownId = options.teardownId ?? teardown!.teardownId;
  if (options.open ?? true) {
    await h.ports.captchaChallenges.open({
      id: challengeId,
      accountId,
      teardownId: teardown!.teardownId,
      imageRef: `captchas/${challengeId}.png`,
      createdAt: h.now(),
      expiresAt: h.now() + (options.expiresIn ?? TEN_MINUTES),
    });
  }
  const logger = createLogger('browser-test', { logLevel: 'ERROR' });
  const prompter = new SlackCaptchaPrompter({
    outbox: createSlackOutbox({ botToken: h.bot.botToken, apiUrl: h.sim.apiUrl }, { paceMs: 0, logger }),
    clock: h.now,
    logger,
  });
  const rootTs = requestMessage(h.sim)!.ts;
  await prompter.ask({
    accountId,
    teardownId,
    challengeId,
    png: PNG,
    until: h.now() + TEN_MINUTES,
    slack: { channel: CHANNEL, threadTs: rootTs, requestTs: rootTs },
    stepTitle: 'Request a root password reset',
  });
  const promptTs = h.sim.thread(CHANNEL, rootTs).at(-1)!.ts;
  return { accountId, teardownId, rootTs, promptTs, prompter };
}

/** Presses Solve as `userId` and returns the modal that opened. */
async function solve(promptTs: string, userId: string = PEOPLE.approver): Promise<SimView> {
  const before = h.sim.views.length;
  await h.click(userId, promptTs, ACTION.solve);
  const view = h.sim.views[before];
  if (!view) throw new Error('no modal was opened');
  return view;
}

const submit = (view: SimView, text: string, userId: string = PEOPLE.approver) =>
  h.sim.sendViewSubmission({
    userId,
    view: view.id,
    values: { [CAPTCHA_INPUT.block]: { [CAPTCHA_INPUT.action]: text } },
  });

const modalError = (view: SimView) => h.sim.view(view.id)?.errors?.[CAPTCHA_INPUT.block];

describe('a CAPTCHA a browser page waits on', () => {
  it('takes the first answer into the store, rewrites the prompt, and refuses a later one', async () => {
    const { accountId, promptTs, prompter } = await asked('ch-first');
    const file = h.sim.files.find((f) => f.filename === 'captcha.png');
    expect(file?.initialComment).toBe(':jigsaw: CAPTCHA at Request a root password reset');

    // Not everyone may answer.
    await h.click(PEOPLE.bystander, promptTs, ACTION.solve);
    expect(lastAnswer(h.sim, PEOPLE.bystander)).toContain(
      'Only configured requesters and approvers may use /sandbox.',
    );
    expect(h.sim.views).toEqual([]);

    const first = await solve(promptTs, PEOPLE.approver);
    const second = await solve(promptTs, PEOPLE.requester);
    await submit(first, 'x7Kq2');
    expect(h.sim.view(first.id)?.state).toBe('closed');
    await h.settle();

    expect(await h.ports.captchaChallenges.get('ch-first')).toMatchObject({
      accountId,
      status: 'answered',
      answer: 'x7Kq2',
      answeredBy: PEOPLE.approver,
      answeredAt: h.now(),
    });
    expect(visible(h.sim.message(CHANNEL, promptTs))).toContain('CAPTCHA answered by <@UAPPROVER1>');
    expect(buttons(h.sim.message(CHANNEL, promptTs))).toEqual([]);

    // The second modal was open all along: its answer comes second and changes nothing.
    await submit(second, 'WRONG', PEOPLE.requester);
    expect(h.sim.view(second.id)?.state).toBe('open');
    expect(modalError(second)).toBe('Someone else answered this CAPTCHA first.');
    expect(await h.ports.captchaChallenges.get('ch-first')).toMatchObject({
      answer: 'x7Kq2',
      answeredBy: PEOPLE.approver,
    });

    // The answer went to the store only: the pipeline's wait is untouched and no message carries it.
    expect(await h.teardown(accountId)).toMatchObject({ step: 'approval', stepStatus: 'waiting' });
    const leaked = h.sim.calls.filter(
      (c) => !c.method.startsWith('views.') && JSON.stringify(c.args).includes('x7Kq2'),
    );
    expect(leaked.map((c) => c.method)).toEqual([]);

    // The browser page, having read the answer, closes its prompt the same way.
    await prompter.finished({ challengeId: 'ch-first', outcome: 'answered', by: PEOPLE.approver });
    expect(visible(h.sim.message(CHANNEL, promptTs))).toContain('CAPTCHA answered by <@UAPPROVER1>');
  });

  it('refuses an empty answer and an overlong one, keeping the challenge open', async () => {
    const { promptTs } = await asked('ch-empty');
    const view = await solve(promptTs);

    await submit(view, '   ');
    expect(modalError(view)).toBe('Type the characters you see in the picture.');
    await submit(view, 'x'.repeat(65));
    expect(modalError(view)).toBe('That is longer than any CAPTCHA (64 characters at most).');
    expect(h.sim.view(view.id)?.state).toBe('open');
    const challenge = await h.ports.captchaChallenges.get('ch-empty');
    expect(challenge).toMatchObject({ status: 'open' });
    expect(challenge?.answer).toBeUndefined();
    expect(challenge?.answeredBy).toBeUndefined();

    // The same modal still takes a real answer.
    await submit(view, 'x7Kq2');
    expect(h.sim.view(view.id)?.state).toBe('closed');
    expect(await h.ports.captchaChallenges.get('ch-empty')).toMatchObject({ answer: 'x7Kq2' });
  });

  it('refuses an answer once the challenge has expired', async () => {
    const { promptTs } = await asked('ch-late', { expiresIn: 60_000 });
    const view = await solve(promptTs);
    h.advanceClock(60_000);

    await submit(view, 'x7Kq2');
    expect(modalError(view)).toBe('This CAPTCHA has expired.');
    const challenge = await h.ports.captchaChallenges.get('ch-late');
    expect(challenge).toMatchObject({ status: 'open' });
    expect(challenge?.answer).toBeUndefined();
    expect(buttons(h.sim.message(CHANNEL, promptTs))).toEqual([ACTION.solve]);
  });

  it('refuses an answer once the step went on without it', async () => {
    const { promptTs } = await asked('ch-closed');
    const view = await solve(promptTs);
    await h.ports.captchaChallenges.close('ch-closed');

    await submit(view, 'x7Kq2');
    expect(modalError(view)).toBe('This CAPTCHA is closed: the step went on without it.');
    expect((await h.ports.captchaChallenges.get('ch-closed'))?.answer).toBeUndefined();
  });

  it("refuses an answer for a challenge the store does not hold or that is another teardown's", async () => {
    const unknown = await asked('ch-never-opened', { open: false });
    const view = await solve(unknown.promptTs);
    await submit(view, 'x7Kq2');
    expect(modalError(view)).toBe('This CAPTCHA is not part of this teardown.');
    expect(await h.ports.captchaChallenges.get('ch-never-opened')).toBeUndefined();

    const other = await asked('ch-other', { teardownId: 'another-teardown' });
    const otherView = await solve(other.promptTs);
    await submit(otherView, 'x7Kq2');
    expect(modalError(otherView)).toBe('This CAPTCHA is not part of this teardown.');
    expect(await h.ports.captchaChallenges.get('ch-other')).toMatchObject({ status: 'open' });
  });
});
