import { OrganizationsClient, RemoveAccountFromOrganizationCommand } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimView } from '../../sim/slack';
import type { StepName } from '../../src/pipeline/catalogue';
import type { Screenshot, StepHandler } from '../../src/pipeline/step-handler';
import { ACTION, CAPTCHA_INPUT } from '../../src/slack/ids';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from './support/bot-harness';
import { buttons, lastAnswer, requestMessage, visible } from './support/slack-record';

let h: BotHarness;
afterEach(async () => h?.close());

const picture = (name: string): Screenshot => ({
  filename: `${name}.png`,
  title: name,
  // A PNG signature and a few bytes: the bot only passes the bytes on.
  png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from(name)]),
});

const done = (note: string, screenshot?: Screenshot): StepHandler => ({
  run: async () => ({ type: 'done', note, ...(screenshot ? { screenshot } : {}) }),
});

/** What the stand-in request-reset step was handed on its runs: the answer people gave reaches its next run. */
const captchaAnswersSeen: Array<string | undefined> = [];

/**
 * Stand-ins for the browser steps (not built yet), shaped like the real ones: they ask people (with pictures) and
 * the catalogue's rules decide what the answers mean.
 */
function removeStrategyHandlers(): Partial<Record<StepName, StepHandler>> {
  return {
    'allow-password-recovery': done('root password recovery allowed'),
    'request-reset': {
      run: async (ctx) => {
        const answer = ctx.teardown.handoff?.captchaAnswer;
        captchaAnswersSeen.push(answer);
        if (answer) return { type: 'done', note: 'reset requested with the CAPTCHA answer people gave' };
        return {
          type: 'await',
          signal: 'captcha-answer',
          reason: 'the CAPTCHA service could not read the picture',
          screenshot: picture('captcha'),
        };
      },
    },
    'await-reset-mail': done('reset mail received'),
    'set-password': done('password set', picture('password-set')),
    'sign-in': done('signed in'),
    'complete-signup': {
      run: async () => ({
        type: 'await',
        signal: 'human',
        reason: 'unknown page "Confirm your identity"',
        screenshot: picture('unknown-page'),
      }),
    },
    'verify-phone': done('phone verified'),
    // Really leaves the organization (moto), so close-as-root's re-check finds a standalone account.
    'remove-from-org': {
      run: async (ctx) => {
        const orgs = new OrganizationsClient({});
        await orgs.send(new RemoveAccountFromOrganizationCommand({ AccountId: ctx.teardown.accountId }));
        orgs.destroy();
        return { type: 'done', note: 'removed from the organization' };
      },
    },
    'close-as-root': done('closed as root'),
  };
}

async function approvedRemoval(): Promise<{ id: string; rootTs: string }> {
  captchaAnswersSeen.length = 0;
  h = await createBotHarness({ handlers: removeStrategyHandlers() });
  const { id } = h.org.accounts.sandbox1;
  await h.command(`delete ${id} --remove`);
  await h.settle();
  const rootTs = requestMessage(h.sim)!.ts;
  await h.click(PEOPLE.approver, rootTs, ACTION.approve);
  await h.settle();
  return { id, rootTs };
}

const promptWith = (rootTs: string, actionId: string) =>
  h.sim.thread(CHANNEL, rootTs).filter((m) => buttons(m).includes(actionId));

function captchaView(): SimView {
  const view = h.sim.views.at(-1);
  if (!view) throw new Error('no modal was opened');
  return view;
}

const answer = (view: SimView, text: string, userId: string = PEOPLE.approver) =>
  h.sim.sendViewSubmission({
    userId,
    view: view.id,
    values: { [CAPTCHA_INPUT.block]: { [CAPTCHA_INPUT.action]: text } },
  });

describe('CAPTCHA handed to people', () => {
  it('posts the picture with a Solve button; the first valid modal answer resumes the teardown', async () => {
    const { id, rootTs } = await approvedRemoval();
    expect(await h.teardown(id)).toMatchObject({
      step: 'request-reset',
      stepStatus: 'waiting',
      wait: { signal: 'captcha-answer' },
    });
    const file = h.sim.files.find((f) => f.filename === 'captcha.png');
    expect(file).toMatchObject({
      channel: CHANNEL,
      thread_ts: rootTs,
      initialComment: ':jigsaw: CAPTCHA at step 4 of 12',
    });
    const [prompt] = promptWith(rootTs, ACTION.solve);
    expect(prompt).toBeDefined();

    // Not everyone may answer.
    await h.click(PEOPLE.bystander, prompt!.ts, ACTION.solve);
    expect(lastAnswer(h.sim, PEOPLE.bystander)).toContain(
      'Only configured requesters and approvers may use /sandbox.',
    );
    expect(h.sim.views).toEqual([]);

    await h.click(PEOPLE.approver, prompt!.ts, ACTION.solve);
    await h.click(PEOPLE.requester, prompt!.ts, ACTION.solve);
    expect(h.sim.callsTo('views.open').map((c) => c.ok)).toEqual([true, true]);
    const [approverView, requesterView] = h.sim.views;

    const blank = await answer(approverView!, '   ');
    expect(blank.status).toBe(200);
    expect(h.sim.view(approverView!.id)?.errors).toEqual({
      [CAPTCHA_INPUT.block]: 'Type the characters you see in the picture.',
    });

    await answer(approverView!, 'x7Kq2');
    expect(h.sim.view(approverView!.id)?.state).toBe('closed');
    await h.settle();
    const after = await h.teardown(id);
    expect(after?.step).not.toBe('request-reset');
    const replies = h.sim.thread(CHANNEL, rootTs).map((m) => m.text);
    expect(replies).toContainEqual(
      expect.stringMatching(
        /^:white_check_mark: Step 4 of 12 · Request a root password reset — reset requested with the CAPTCHA answer people gave/,
      ),
    );
    // The step ran again with the answer, which never reached the thread.
    expect(captchaAnswersSeen).toEqual([undefined, 'x7Kq2']);
    // (The modal itself holds what the person typed; no message or file the bot wrote does.)
    const leaked = h.sim.calls.filter(
      (c) => !c.method.startsWith('views.') && JSON.stringify(c.args).includes('x7Kq2'),
    );
    expect(leaked.map((c) => c.method)).toEqual([]);
    expect(visible(h.sim.message(CHANNEL, prompt!.ts))).toContain('CAPTCHA answered by <@UAPPROVER1>');
    expect(buttons(h.sim.message(CHANNEL, prompt!.ts))).toEqual([]);

    // The second modal was open all along; its answer comes too late.
    await answer(requesterView!, 'x7Kq2', PEOPLE.requester);
    expect(h.sim.view(requesterView!.id)).toMatchObject({
      state: 'open',
      errors: { [CAPTCHA_INPUT.block]: 'This CAPTCHA was already answered or has expired.' },
    });
    // A browser step's picture comes with its reply.
    expect(h.sim.files.find((f) => f.filename === 'password-set.png')).toMatchObject({
      thread_ts: rootTs,
      initialComment: ':white_check_mark: Step 6 of 12 · Set the root password — password set (0ms)',
    });
  });

  it('shows an error in the modal once the challenge has expired', async () => {
    const { id, rootTs } = await approvedRemoval();
    const [prompt] = promptWith(rootTs, ACTION.solve);
    await h.click(PEOPLE.approver, prompt!.ts, ACTION.solve);
    h.advanceClock(h.config.deadlines.humanMs + 1);
    const view = captchaView();
    await answer(view, 'x7Kq2');
    expect(h.sim.view(view.id)?.errors?.[CAPTCHA_INPUT.block]).toMatch(
      /^This CAPTCHA was already answered or has expired\./,
    );
    await h.settle();
    expect(await h.teardown(id)).toMatchObject({
      status: 'failed',
      outcome: 'No one gave a CAPTCHA answer within 1d.',
    });
  });
});

describe('unknown console page', () => {
  async function atUnknownPage(): Promise<{ id: string; rootTs: string }> {
    const placed = await approvedRemoval();
    const [prompt] = promptWith(placed.rootTs, ACTION.solve);
    await h.click(PEOPLE.approver, prompt!.ts, ACTION.solve);
    await answer(captchaView(), 'x7Kq2');
    await h.settle();
    expect(await h.teardown(placed.id)).toMatchObject({ step: 'complete-signup', wait: { signal: 'human' } });
    return placed;
  }

  it('offers Done / Retry / Abort to approvers with the screenshot; Retry runs the step again, Done goes on', async () => {
    const { id, rootTs } = await atUnknownPage();
    expect(h.sim.files.find((f) => f.filename === 'unknown-page.png')).toMatchObject({ thread_ts: rootTs });
    const [prompt] = promptWith(rootTs, ACTION.done);
    expect(buttons(prompt)).toEqual([ACTION.done, ACTION.retry, ACTION.abort]);
    expect(visible(prompt)).toContain('unknown page \\"Confirm your identity\\"');

    await h.click(PEOPLE.requester, prompt!.ts, ACTION.done);
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(
      'Only configured approvers may answer for a step that needs a person.',
    );
    expect(await h.teardown(id)).toMatchObject({ step: 'complete-signup', stepStatus: 'waiting' });

    const retry = await h.click(PEOPLE.approver, prompt!.ts, ACTION.retry);
    expect(buttons(h.sim.message(CHANNEL, prompt!.ts))).toEqual([]);
    expect(visible(h.sim.message(CHANNEL, prompt!.ts))).toContain(
      'Step sent back for a retry by <@UAPPROVER1>',
    );
    // The retry is due at once: settling fires it, and the step shows its page again.
    await h.settle();
    const prompts = promptWith(rootTs, ACTION.done);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]?.ts).not.toBe(prompt!.ts);

    // A repeat of the old click (a client that still shows the buttons) changes nothing.
    await h.sim.sendRaw(retry.request);
    expect(lastAnswer(h.sim, PEOPLE.approver)).toContain(
      'was already answered or has expired; nothing was changed.',
    );
    await h.click(PEOPLE.groupApprover, prompts[0]!.ts, ACTION.done);
    await h.settle();
    const finished = await h.teardown(id);
    expect(finished).toMatchObject({ status: 'succeeded', strategy: 'remove' });
    expect(h.sim.thread(CHANNEL, rootTs).at(-1)?.text).toMatch(
      /^:white_check_mark: \*Succeeded\*: .+ torn down in \d[\dhms ]*, all 12 steps done\.$/,
    );
  });

  it('ends the teardown on Abort', async () => {
    const { id, rootTs } = await atUnknownPage();
    const [prompt] = promptWith(rootTs, ACTION.abort);
    await h.click(PEOPLE.groupApprover, prompt!.ts, ACTION.abort);
    await h.settle();
    expect(await h.teardown(id)).toMatchObject({
      status: 'cancelled',
      outcome: `Aborted by ${PEOPLE.groupApprover}.`,
    });
    expect(visible(requestMessage(h.sim))).toContain('*Cancelled* at step 8 of 12');
  });
});
