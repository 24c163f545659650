// A CAPTCHA no machine could read, solved by a person in the Slack thread: 2captcha is down, the page's picture
// goes to the teardown's thread with the bot's Solve button, and the answer typed into the Solve modal lets the
// browser step (still holding the page) finish. Real Chromium, the console and Slack simulators, moto.
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, expect, it } from 'vitest';
import { seedFromOrganizations } from '../../../sim/console';
import { createLogger } from '../../../src/common/logger';
import { SlackCaptchaPrompter } from '../../../src/slack/captcha-prompter';
import { ACTION, CAPTCHA_INPUT } from '../../../src/slack/ids';
import { createSlackOutbox } from '../../../src/slack/outbox';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from '../../bot/support/bot-harness';
import { buttons, requestMessage, visible } from '../../bot/support/slack-record';
import { type ConsoleRig, startConsoleRig } from '../../support/console-rig';
import { lateBrowserSteps } from '../support';

let h: BotHarness | undefined;
let rig: ConsoleRig | undefined;
afterEach(async () => {
  await rig?.close();
  await h?.close();
});

it('posts the picture with a Solve button; the answers typed in the modal let the open page go on', async () => {
  const steps = lateBrowserSteps();
  h = await createBotHarness({ handlers: steps.handlers });
  const harness = h;
  const logger = createLogger('browser-test', { logLevel: 'ERROR' });
  // The browser worker's prompter writes to the same workspace through an outbox of its own, as in Lambda.
  const prompter = new SlackCaptchaPrompter({
    outbox: createSlackOutbox(
      { botToken: harness.bot.botToken, apiUrl: harness.sim.apiUrl },
      { paceMs: 0, logger },
    ),
    logger,
  });
  rig = await startConsoleRig({
    challenges: harness.ports.captchaChallenges,
    prompter,
    sim: { captcha: 'always' },
  });
  const world = rig;
  steps.bind(world.ports);
  await seedFromOrganizations(world.sim, new OrganizationsClient({}));
  world.captcha.configure({ mode: 'down' });
  const { id } = harness.org.accounts.sandbox1;

  await harness.command(`delete ${id} --remove the sprint is over`);
  await harness.settle();
  const root = requestMessage(harness.sim)!;
  // Approving starts the pipeline; the browser step holds its page open until people answer, so the test does not
  // wait for the pipeline to settle here.
  await harness.click(PEOPLE.approver, root.ts, ACTION.approve);

  const answered: string[] = [];
  for (const which of ['sign-in', 'recovery dialog']) {
    const prompt = await harness.sim.waitFor(
      (sim) =>
        sim
          .thread(CHANNEL, root.ts)
          .find((m) => buttons(m).includes(ACTION.solve) && !answered.includes(m.ts)),
      { timeoutMs: 30_000 },
    );
    const picture = harness.sim.files.filter((f) => f.filename === 'captcha.png');
    expect(picture.length, `the ${which} CAPTCHA's picture is in the thread`).toBe(answered.length + 1);
    const views = harness.sim.views.length;
    await harness.click(PEOPLE.approver, prompt.ts, ACTION.solve);
    const modal = harness.sim.views[views]!;
    const answer = world.sim.latestCaptchaAnswer()!;
    await harness.sim.sendViewSubmission({
      userId: PEOPLE.approver,
      view: modal.id,
      values: { [CAPTCHA_INPUT.block]: { [CAPTCHA_INPUT.action]: answer } },
    });
    expect(harness.sim.view(modal.id)?.state).toBe('closed');
    answered.push(prompt.ts);
  }

  // The browser step, holding its page until now, finishes with the answers: wait for it and what it handed on.
  await harness.settle();
  const t = await harness.teardown(id);
  expect(t).toMatchObject({ step: 'await-reset-mail', stepStatus: 'waiting' });
  expect(world.sim.mails().filter((m) => m.kind === 'reset')).toHaveLength(1);
  for (const ts of answered) {
    expect(visible(harness.sim.message(CHANNEL, ts))).toContain('CAPTCHA answered by <@UAPPROVER1>');
  }
  const note = harness.sim
    .thread(CHANNEL, root.ts)
    .map((m) => m.text)
    .join('\n');
  expect(note).toMatch(/CAPTCHA solved by <@UAPPROVER1>/);
  // The answers went into the modal only.
  const answers = world.sim.captchaAnswers().map((c) => c.answer);
  const leaked = harness.sim.calls.filter(
    (c) => !c.method.startsWith('views.') && answers.some((a) => JSON.stringify(c.args).includes(a)),
  );
  expect(leaked.map((c) => c.method)).toEqual([]);
});
