import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { NotAuthorizedError, NotWaitingError, TeardownError, userMessage } from '../common/errors';
import type { Teardown } from '../pipeline/model';
import type { CaptchaRefusal } from '../pipeline/ports/captcha-challenges';
import type { LineLease } from '../pipeline/ports/phone-line-leases';
import { type HumanChoice, SIGNAL } from '../pipeline/signals';
import {
  ACTION,
  type ButtonRef,
  CAPTCHA_INPUT,
  type CaptchaMeta,
  decodeCaptchaMeta,
  decodeChallengeRef,
  decodePhoneCodeMeta,
  decodePhoneRef,
  decodeRef,
  PHONE_CODE_INPUT,
  type PhoneRef,
} from '../slack/ids';
import { type MessageContent, mention, section } from '../slack/render/mrkdwn';
import {
  captchaAnswered,
  captchaModal,
  humanAnswered,
  lastDigits,
  phoneCodeModal,
  pinForPerson,
  promptClosed,
} from '../slack/render/prompts';
import { errorAnswer, errorText } from './answers';
import type { BotPorts } from './ports';

interface Clicked {
  user: string;
  channel: string;
  messageTs: string;
  threadTs: string | undefined;
  ref: ButtonRef;
}

function clicked(body: BlockAction, action: ButtonAction): Clicked | undefined {
  return clickedOn(body, decodeRef(action.value));
}

function clickedOn(body: BlockAction, ref: ButtonRef | undefined): Clicked | undefined {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.container?.message_ts ?? body.message?.ts;
  if (!ref || !channel || !messageTs) return undefined;
  return { user: body.user.id, channel, messageTs, threadTs: body.container?.thread_ts, ref };
}

/** An ephemeral answer to the person who clicked, in the thread when the click was in one. */
async function tell(ports: BotPorts, c: Clicked, content: MessageContent): Promise<void> {
  await ports.outbox.ephemeral(c.channel, c.user, content, c.threadTs ? { threadTs: c.threadTs } : {});
}

/** The teardown the button was made for, or an answer saying why there is none any more. */
async function current(ports: BotPorts, c: Clicked): Promise<Teardown | string> {
  const teardown = await ports.runner.get(c.ref.accountId);
  if (!teardown || teardown.teardownId !== c.ref.teardownId) {
    return `This button belongs to an earlier teardown of \`${c.ref.accountId}\`; nothing was changed.`;
  }
  if (c.ref.version !== undefined && teardown.version !== c.ref.version) {
    return `This prompt for \`${c.ref.accountId}\` was already answered or has expired; nothing was changed.`;
  }
  return teardown;
}

async function guarded(ports: BotPorts, c: Clicked, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof TeardownError)) ports.logger.error('action failed', { error, ref: c.ref });
    await tell(ports, c, errorAnswer(errorText(error))).catch((e: unknown) =>
      ports.logger.warn('could not answer a click', { error: e }),
    );
  }
}

/** Runs `work` on the teardown a button belongs to, or tells the clicker why nothing happened. */
async function withTeardown(
  ports: BotPorts,
  c: Clicked,
  work: (teardown: Teardown) => Promise<void>,
): Promise<void> {
  await guarded(ports, c, async () => {
    const teardown = await current(ports, c);
    if (typeof teardown === 'string') return tell(ports, c, errorAnswer(teardown));
    await work(teardown);
  });
}

/** Approve / Deny on the request message: approvers only, never the requester; the first decision wins. */
export async function onDecision(
  ports: BotPorts,
  body: BlockAction,
  action: ButtonAction,
  decision: 'approve' | 'deny',
): Promise<void> {
  const c = clicked(body, action);
  if (!c) return;
  await withTeardown(ports, c, async (teardown) => {
    await ports.authorizer.assertCanDecide(c.user, teardown);
    try {
      // The notifier rewrites the request message (who decided, when, no buttons) as part of this transition.
      await ports.runner.resume(
        c.ref.accountId,
        { name: SIGNAL.approval, actor: c.user, payload: { decision } },
        { teardownId: c.ref.teardownId },
      );
    } catch (error) {
      if (error instanceof NotWaitingError) {
        const latest = await ports.runner.get(c.ref.accountId);
        const who = latest?.approver ? ` by <@${latest.approver}>` : '';
        const state = latest?.status === 'active' ? 'already decided' : `already ${latest?.status ?? 'gone'}`;
        return tell(ports, c, errorAnswer(`This request was ${state}${who}; your click changed nothing.`));
      }
      throw error;
    }
  });
}

/** Cancel, from the confirmation `/sandbox cancel` showed: the requester or an approver. */
export async function onCancel(
  ports: BotPorts,
  body: BlockAction,
  action: ButtonAction,
  respond: (message: MessageContent & { replace_original: boolean }) => Promise<unknown>,
): Promise<void> {
  const c = clicked(body, action);
  if (!c) return;
  await withTeardown(ports, c, async (teardown) => {
    await ports.authorizer.assertCanCancel(c.user, teardown);
    await ports.runner.cancel(c.ref.accountId, c.user);
    const text = `:octagonal_sign: You cancelled the teardown of \`${c.ref.accountId}\`.`;
    await respond({ text, blocks: [], replace_original: true });
  });
}

/**
 * Solve on a CAPTCHA prompt, of a pipeline wait or of a challenge a browser page waits on: the modal opens at
 * once, inside the trigger's 3 s, and says in its metadata which of the two it answers.
 */
export async function onSolve(ports: BotPorts, body: BlockAction, action: ButtonAction): Promise<void> {
  const challenge = decodeChallengeRef(action.value);
  const c = clickedOn(body, challenge ?? decodeRef(action.value));
  if (!c) return;
  const place = { channel: c.channel, promptTs: c.messageTs };
  let meta: CaptchaMeta;
  if (challenge) meta = { ...challenge, ...place };
  else if (c.ref.version) meta = { ...c.ref, version: c.ref.version, ...place };
  else return;
  await guarded(ports, c, async () => {
    await ports.authorizer.assertMember(c.user);
    await ports.outbox.client.views.open({ trigger_id: body.trigger_id, view: captchaModal(meta) });
  });
}

/** Done / Retry / Abort on an unknown-page prompt: approvers only; the first answer wins. */
export async function onHuman(
  ports: BotPorts,
  body: BlockAction,
  action: ButtonAction,
  choice: HumanChoice,
): Promise<void> {
  const c = clicked(body, action);
  if (!c?.ref.version) return;
  await guarded(ports, c, async () => {
    if (!(await ports.authorizer.isApprover(c.user))) {
      throw new NotAuthorizedError('Only configured approvers may answer for a step that needs a person.');
    }
    const teardown = await current(ports, c);
    if (typeof teardown === 'string') {
      await ports.outbox.update(c.channel, c.messageTs, async () =>
        promptClosed(`:raising_hand: ${teardown}`),
      );
      return tell(ports, c, errorAnswer(teardown));
    }
    // "Done by hand" stands in for a step, so it takes a second person, like the approval.
    if (choice === 'done' && teardown.requester === c.user) {
      throw new NotAuthorizedError(
        'You asked for this teardown; someone else has to confirm a step was done by hand.',
      );
    }
    try {
      await ports.runner.resume(
        c.ref.accountId,
        { name: SIGNAL.human, actor: c.user, payload: { choice } },
        { teardownId: c.ref.teardownId, version: c.ref.version },
      );
    } catch (error) {
      if (error instanceof NotWaitingError) {
        return tell(
          ports,
          c,
          errorAnswer(`Someone else answered first or the wait is over; ${error.message}`),
        );
      }
      throw error;
    }
    await ports.outbox.update(c.channel, c.messageTs, async () =>
      humanAnswered(choice, c.user, ports.clock()),
    );
  });
}

const MAX_CAPTCHA_ANSWER = 64;

export type ViewAnswer = { response_action: 'errors'; errors: Record<string, string> } | undefined;

const inputError = (text: string): ViewAnswer => ({
  response_action: 'errors',
  errors: { [CAPTCHA_INPUT.block]: text },
});

/** What the modal says when the challenge store refuses an answer. */
const CHALLENGE_REFUSALS: Record<CaptchaRefusal, string> = {
  unknown: 'This CAPTCHA is not part of this teardown.',
  'other-teardown': 'This CAPTCHA is not part of this teardown.',
  'already-answered': 'Someone else answered this CAPTCHA first.',
  closed: 'This CAPTCHA is closed: the step went on without it.',
  expired: 'This CAPTCHA has expired.',
  empty: 'Type the characters you see in the picture.',
};

/**
 * A CAPTCHA answer: the first valid one resumes the pipeline, or, for a challenge a browser page waits on, is
 * stored for it; an empty, late or repeated one is shown as an error in the modal (which then stays open).
 */
export async function onCaptchaAnswer(
  ports: BotPorts,
  body: ViewSubmitAction,
): Promise<{
  answer: ViewAnswer;
  after?: () => Promise<void>;
}> {
  const meta = decodeCaptchaMeta(body.view.private_metadata);
  if (!meta) return { answer: inputError('This form is damaged; press Solve in the thread again.') };
  const user = body.user.id;
  const answer = body.view.state.values[CAPTCHA_INPUT.block]?.[CAPTCHA_INPUT.action]?.value?.trim() ?? '';
  if (answer === '') return { answer: inputError('Type the characters you see in the picture.') };
  // The same bound the pipeline's signal schema sets; no CAPTCHA is that long.
  if (answer.length > MAX_CAPTCHA_ANSWER) {
    return {
      answer: inputError(`That is longer than any CAPTCHA (${MAX_CAPTCHA_ANSWER} characters at most).`),
    };
  }
  if (meta.challengeId !== undefined) return answerChallenge(ports, meta, user, answer);
  try {
    await ports.authorizer.assertMember(user);
    const teardown = await ports.runner.get(meta.accountId);
    if (
      !teardown ||
      teardown.teardownId !== meta.teardownId ||
      teardown.version !== meta.version ||
      teardown.wait?.signal !== SIGNAL.captchaAnswer
    ) {
      return { answer: inputError('This CAPTCHA was already answered or has expired.') };
    }
    await ports.runner.resume(
      meta.accountId,
      { name: SIGNAL.captchaAnswer, actor: user, payload: { answer } },
      { teardownId: meta.teardownId, version: meta.version },
    );
  } catch (error) {
    if (error instanceof NotWaitingError) {
      return { answer: inputError(`This CAPTCHA was already answered or has expired. ${error.message}`) };
    }
    if (!(error instanceof TeardownError)) ports.logger.error('captcha answer failed', { error });
    return { answer: inputError(userMessage(error)) };
  }
  return {
    answer: undefined,
    after: () =>
      ports.outbox.update(meta.channel, meta.promptTs, async () => captchaAnswered(user, ports.clock())),
  };
}

/** The first valid answer wins by one conditional write in the store; the browser page polls it. */
async function answerChallenge(
  ports: BotPorts,
  meta: CaptchaMeta & { challengeId: string },
  user: string,
  answer: string,
): Promise<{ answer: ViewAnswer; after?: () => Promise<void> }> {
  const now = ports.clock();
  try {
    await ports.authorizer.assertMember(user);
    const result = await ports.captchaChallenges.answer(meta.challengeId, {
      teardownId: meta.teardownId,
      answer,
      by: user,
      now,
    });
    if (!result.ok) return { answer: inputError(CHALLENGE_REFUSALS[result.why]) };
  } catch (error) {
    if (!(error instanceof TeardownError)) ports.logger.error('captcha challenge answer failed', { error });
    return { answer: inputError(userMessage(error)) };
  }
  return {
    answer: undefined,
    after: () => ports.outbox.update(meta.channel, meta.promptTs, async () => captchaAnswered(user, now)),
  };
}

/** Why a person may not act for a phone line, or undefined when it is their own phone. */
function notTheirPhone(ports: BotPorts, ref: PhoneRef, user: string): string | undefined {
  const owner = ports.personalPhoneLines.get(ref.line);
  if (!owner) return `The phone ${lastDigits(ref.line)} is not a person's own phone; nobody answers it here.`;
  if (owner !== user) return `Only ${mention(owner)} can do this: AWS is verifying their phone.`;
  return undefined;
}

const VERIFICATION_OVER = (ref: PhoneRef) =>
  `The phone verification of \`${ref.accountId}\` is over; there is nothing to do here any more.`;

/**
 * A click on a phone prompt's button, acted on only for the person whose phone it is and only while the line's
 * lease is still the prompt's teardown's (one read, well inside the trigger's 3 s). The click's ref leaves the
 * line (a person's number) out of any log line.
 */
async function onPhonePrompt(
  ports: BotPorts,
  body: BlockAction,
  action: ButtonAction,
  act: (ref: PhoneRef, c: Clicked, lease: LineLease) => Promise<unknown>,
): Promise<void> {
  const ref = decodePhoneRef(action.value);
  const c = ref && clickedOn(body, { accountId: ref.accountId, teardownId: ref.teardownId });
  if (!ref || !c) return;
  await guarded(ports, c, async () => {
    const refusal = notTheirPhone(ports, ref, c.user);
    if (refusal) return tell(ports, c, errorAnswer(refusal));
    const lease = await ports.phoneLines.holderOf(ref.line, ports.clock());
    if (!lease || lease.teardownId !== ref.teardownId) {
      return tell(ports, c, errorAnswer(VERIFICATION_OVER(ref)));
    }
    await act(ref, c, lease);
  });
}

/**
 * Show PIN on a phone prompt: the PIN on the line's lease, ephemerally, to the person whose phone AWS calls. The
 * PIN goes nowhere else: not in a log, not in the thread.
 */
export function onShowPin(ports: BotPorts, body: BlockAction, action: ButtonAction): Promise<void> {
  return onPhonePrompt(ports, body, action, async (ref, c, lease) => {
    if (!lease.pin) {
      const text = `No PIN yet for \`${ref.accountId}\`: the page has not shown one. Press *Show PIN* again in a moment.`;
      return tell(ports, c, { text, blocks: [section(`:hourglass_flowing_sand: ${text}`)] });
    }
    await tell(ports, c, pinForPerson(ref, lease.pin));
  });
}

/** Enter code on a phone prompt: the modal for the code, for the person whose phone got it. */
export function onEnterCode(ports: BotPorts, body: BlockAction, action: ButtonAction): Promise<void> {
  return onPhonePrompt(ports, body, action, async (ref, c) => {
    const meta = { ...ref, channel: c.channel, ...(c.threadTs ? { threadTs: c.threadTs } : {}) };
    await ports.outbox.client.views.open({ trigger_id: body.trigger_id, view: phoneCodeModal(meta) });
  });
}

const codeError = (text: string): ViewAnswer => ({
  response_action: 'errors',
  errors: { [PHONE_CODE_INPUT.block]: text },
});

/** A code as AWS sends it: 4 to 8 digits; people may group them with spaces or dashes. */
const CODE = /^\d{4,8}$/;

/**
 * A code typed into the phone-code modal: stored on the line's lease (one conditional write: only while the
 * prompt's teardown holds it), where the browser step polls for it. Anything wrong is an error in the modal,
 * which stays open, and nothing is written. The code is never logged.
 */
export async function onPhoneCode(
  ports: BotPorts,
  body: ViewSubmitAction,
): Promise<{ answer: ViewAnswer; after?: () => Promise<void> }> {
  const meta = decodePhoneCodeMeta(body.view.private_metadata);
  if (!meta) return { answer: codeError('This form is damaged; press Enter code in the thread again.') };
  const user = body.user.id;
  const owner = ports.personalPhoneLines.get(meta.line);
  if (owner !== user) {
    return { answer: codeError('Only the person whose phone AWS is verifying can enter its code.') };
  }
  const typed = body.view.state.values[PHONE_CODE_INPUT.block]?.[PHONE_CODE_INPUT.action]?.value ?? '';
  const code = typed.replace(/[\s-]/g, '');
  if (!CODE.test(code)) return { answer: codeError('Type the code AWS sent: 4 to 8 digits.') };
  const over = codeError('This phone verification is over; the code was not used.');
  const now = ports.clock();
  try {
    const lease = await ports.phoneLines.holderOf(meta.line, now);
    if (!lease || lease.teardownId !== meta.teardownId) return { answer: over };
    const holder = { accountId: lease.accountId, teardownId: lease.teardownId };
    if (!(await ports.phoneLines.setCode(meta.line, holder, code, now))) return { answer: over };
  } catch (error) {
    ports.logger.error('could not store a phone code', {
      error,
      accountId: meta.accountId,
      teardownId: meta.teardownId,
    });
    return { answer: codeError(userMessage(error)) };
  }
  const text = `Code received for \`${meta.accountId}\`; the bot enters it on the page.`;
  return {
    answer: undefined,
    after: () =>
      ports.outbox.ephemeral(
        meta.channel,
        user,
        { text, blocks: [section(`:white_check_mark: ${text}`)] },
        meta.threadTs ? { threadTs: meta.threadTs } : {},
      ),
  };
}

export const DECISIONS = { [ACTION.approve]: 'approve', [ACTION.deny]: 'deny' } as const;
export const HUMAN_CHOICES = {
  [ACTION.done]: 'done',
  [ACTION.retry]: 'retry',
  [ACTION.abort]: 'abort',
} as const;
