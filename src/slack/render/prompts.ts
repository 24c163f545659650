import type { ModalView } from '@slack/types';
import { STEPS } from '../../pipeline/catalogue';
import type { Teardown } from '../../pipeline/model';
import type { HumanChoice } from '../../pipeline/signals';
import {
  ACTION,
  CAPTCHA_INPUT,
  type CaptchaMeta,
  type ChallengeRef,
  encodeCaptchaMeta,
  encodeChallengeRef,
  encodePhoneCodeMeta,
  encodePhoneRef,
  encodeRef,
  PHONE_CODE_INPUT,
  type PhoneCodeMeta,
  type PhoneRef,
  VIEW,
} from '../ids';
import {
  accountLabel,
  button,
  confirm,
  escapeMrkdwn,
  freeText,
  type MessageContent,
  mention,
  section,
  slackDate,
} from './mrkdwn';
import { stepPosition } from './request';

// Prompts for people in the thread, when a machine cannot go on: a CAPTCHA, an unknown console page.

export function captchaPrompt(t: Teardown): MessageContent {
  const { n, m } = stepPosition(t);
  const value = encodeRef({ accountId: t.accountId, teardownId: t.teardownId, version: t.version });
  const until = t.wait ? ` before ${slackDate(t.wait.until)}` : '';
  return {
    text: `A CAPTCHA at step ${n} of ${m} needs a person`,
    blocks: [
      section(
        `:jigsaw: *A CAPTCHA needs a person* at step ${n} of ${m} (${STEPS[t.step].title}). Read the picture above and press *Solve*${until}; the first answer counts.`,
      ),
      {
        type: 'actions',
        block_id: 'captcha',
        elements: [button(ACTION.solve, 'Solve', value, { style: 'primary' })],
      },
    ],
  };
}

/** `by` is unknown when the browser worker saw an answer but not who gave it. */
export function captchaAnswered(by: string | undefined, at: number): MessageContent {
  const who = by ? ` by ${mention(by)}` : '';
  return {
    text: 'CAPTCHA answered',
    blocks: [section(`:jigsaw: CAPTCHA answered${who} on ${slackDate(at)}.`)],
  };
}

/**
 * A CAPTCHA the browser worker holds its page open for: the answer goes to the challenge, not to a pipeline wait,
 * so the button names the challenge.
 */
export function challengePrompt(ref: ChallengeRef, at: { stepTitle: string; until: number }): MessageContent {
  const step = escapeMrkdwn(at.stepTitle);
  return {
    text: `A CAPTCHA at ${step} needs a person`,
    blocks: [
      section(
        `:jigsaw: *A CAPTCHA needs a person* at ${step}. Read the picture above and press *Solve* before ${slackDate(at.until)}; the first answer counts.`,
      ),
      {
        type: 'actions',
        block_id: 'captcha',
        elements: [button(ACTION.solve, 'Solve', encodeChallengeRef(ref), { style: 'primary' })],
      },
    ],
  };
}

export function challengeExpired(): MessageContent {
  return promptClosed(
    ':hourglass: No one answered this CAPTCHA in time; the step goes on without an answer.',
  );
}

/** A modal that asks for one short answer: its text, its one field, Send and Cancel. */
function oneAnswerModal(form: {
  callbackId: string;
  metadata: string;
  title: string;
  intro: string;
  input: { block: string; action: string };
  label: string;
  placeholder: string;
  length: { min?: number; max: number };
}): ModalView {
  return {
    type: 'modal',
    callback_id: form.callbackId,
    private_metadata: form.metadata,
    title: { type: 'plain_text', text: form.title },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(form.intro),
      {
        type: 'input',
        block_id: form.input.block,
        label: { type: 'plain_text', text: form.label },
        element: {
          type: 'plain_text_input',
          action_id: form.input.action,
          ...(form.length.min ? { min_length: form.length.min } : {}),
          max_length: form.length.max,
          placeholder: { type: 'plain_text', text: form.placeholder },
        },
      },
    ],
  };
}

export function captchaModal(meta: CaptchaMeta): ModalView {
  return oneAnswerModal({
    callbackId: VIEW.captcha,
    metadata: encodeCaptchaMeta(meta),
    title: 'Solve the CAPTCHA',
    intro: `Type the characters in the CAPTCHA picture posted in the thread of \`${meta.accountId}\`.`,
    input: CAPTCHA_INPUT,
    label: 'Characters in the picture',
    placeholder: 'e.g. x7Kq2',
    length: { max: 64 },
  });
}

export function humanPrompt(t: Teardown): MessageContent {
  const { n, m } = stepPosition(t);
  const value = encodeRef({ accountId: t.accountId, teardownId: t.teardownId, version: t.version });
  // Not only unknown pages ask: a wizard that refused the card, or a step that went back too often.
  const reason = t.wait?.reason.trim() ?? '';
  const why = reason ? `: ${freeText(reason)}${/[.!?]$/.test(reason) ? '' : '.'}` : '.';
  return {
    text: `Step ${n} of ${m} needs a person`,
    blocks: [
      section(
        `:raising_hand: *Step ${n} of ${m} (${STEPS[t.step].title}) needs a person*${why}\n` +
          'An approver decides: *Done* if you did this step by hand, *Retry* to run it again, *Abort* to stop the teardown.',
      ),
      {
        type: 'actions',
        block_id: 'human',
        elements: [
          button(ACTION.done, 'Done', value, {
            style: 'primary',
            confirm: confirm('Step done by hand?', 'The teardown will go on with the next step.', 'Done'),
          }),
          button(ACTION.retry, 'Retry', value),
          button(ACTION.abort, 'Abort', value, {
            style: 'danger',
            confirm: confirm(
              'Abort the teardown?',
              `The teardown of ${accountLabel(t)} stops here.`,
              'Abort',
              'danger',
            ),
          }),
        ],
      },
    ],
  };
}

export function humanAnswered(choice: HumanChoice, by: string, at: number): MessageContent {
  const what = { done: 'marked done', retry: 'sent back for a retry', abort: 'aborted' }[choice];
  return {
    text: `Step ${what}`,
    blocks: [section(`:raising_hand: Step ${what} by ${mention(by)} on ${slackDate(at)}.`)],
  };
}

/** A prompt whose wait is over (answered elsewhere, expired): the buttons go, the reason stays. */
export function promptClosed(text: string): MessageContent {
  return { text, blocks: [section(text)] };
}

// A person's own phone as the verification line (PHONE_LINES `+1…=U…`): the prompt in the thread names the
// person and says what happens, never the PIN or the code; those reach the person alone.

/** `+15557770100` → `…0100`: enough for the person to know which phone, not the number for the channel. */
export function lastDigits(line: string): string {
  return `…${line.replace(/\D/g, '').slice(-4)}`;
}

export function phonePrompt(
  ref: PhoneRef,
  at: { person: string; direction: 'pin' | 'code'; stepTitle: string; until: number },
): MessageContent {
  const step = escapeMrkdwn(at.stepTitle);
  const phone = `${mention(at.person)}'s phone (${lastDigits(ref.line)})`;
  const account = `account \`${ref.accountId}\``;
  const until = slackDate(at.until);
  const value = encodePhoneRef(ref);
  if (at.direction === 'pin') {
    return {
      text: `AWS is calling a phone for account ${ref.accountId}`,
      blocks: [
        section(
          `:telephone_receiver: *${step}*: AWS is calling ${phone} for ${account}: press *Show PIN*, then key the PIN in when the call asks for it (before ${until}).`,
        ),
        {
          type: 'actions',
          block_id: 'phone',
          elements: [button(ACTION.showPin, 'Show PIN', value, { style: 'primary' })],
        },
      ],
    };
  }
  return {
    text: `AWS sent a verification code for account ${ref.accountId}`,
    blocks: [
      section(
        `:iphone: *${step}*: AWS sent a verification code to ${phone} for ${account}: press *Enter code* and type it in (before ${until}).`,
      ),
      {
        type: 'actions',
        block_id: 'phone',
        elements: [button(ACTION.enterCode, 'Enter code', value, { style: 'primary' })],
      },
    ],
  };
}

export function phoneVerified(ref: Pick<PhoneRef, 'accountId' | 'line'>, at: number): MessageContent {
  return promptClosed(
    `:white_check_mark: The phone (${lastDigits(ref.line)}) of account \`${ref.accountId}\` was verified on ${slackDate(at)}.`,
  );
}

export function phoneExpired(ref: Pick<PhoneRef, 'accountId' | 'line'>): MessageContent {
  return promptClosed(
    `:hourglass: The phone verification of account \`${ref.accountId}\` on ${lastDigits(ref.line)} ended without success; the thread says what happens next.`,
  );
}

/**
 * The PIN, for the person whose phone AWS calls: only ever sent ephemerally to them. The notification text
 * leaves it out.
 */
export function pinForPerson(ref: Pick<PhoneRef, 'accountId' | 'line'>, pin: string): MessageContent {
  return {
    text: `The PIN AWS asks for on your phone (account ${ref.accountId})`,
    blocks: [
      section(
        `:telephone_receiver: The PIN for account \`${ref.accountId}\` is *${escapeMrkdwn(pin)}*. Key it in on your phone (${lastDigits(ref.line)}) when AWS's call asks for it. Only you can see this.`,
      ),
    ],
  };
}

export function phoneCodeModal(meta: PhoneCodeMeta): ModalView {
  return oneAnswerModal({
    callbackId: VIEW.phoneCode,
    metadata: encodePhoneCodeMeta(meta),
    title: 'Verification code',
    intro: `Type the code AWS sent to your phone (${lastDigits(meta.line)}) for account \`${meta.accountId}\`. The bot enters it on the page.`,
    input: PHONE_CODE_INPUT,
    label: 'Code (4 to 8 digits)',
    placeholder: 'e.g. 123456',
    // Room for the spaces or dashes a person may type between the digits.
    length: { min: 4, max: 16 },
  });
}
