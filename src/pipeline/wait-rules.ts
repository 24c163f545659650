import { formatDuration } from '../common/duration';
import { SIGNAL, SIGNAL_SENDER, type SignalName } from './signals';
import type { DecisionContext, StepOutcome, WaitRules } from './step-handler';

const SIGNAL_WORDS: Record<SignalName, string> = {
  approval: 'an approval',
  'captcha-answer': 'a CAPTCHA answer',
  'reset-link': 'the password reset mail',
  'sign-in-code': 'the sign-in code mail',
  'phone-code': 'the phone verification code',
  human: 'an answer from a person',
};

/** No one (or nothing) answered in time: the teardown fails, saying what it waited for and for how long. */
function waitedTooLong(ctx: DecisionContext, waitedFor: SignalName | undefined): StepOutcome {
  // The wait's declared length (a polling step: since it started), not the moment the timer happened to fire.
  const wait = ctx.teardown.wait;
  const waited = formatDuration(
    wait?.since !== undefined ? wait.until - wait.since : ctx.now - ctx.teardown.stepStartedAt,
  );
  const what = waitedFor ? SIGNAL_WORDS[waitedFor] : 'the step';
  const reason =
    waitedFor && SIGNAL_SENDER[waitedFor] === 'person'
      ? `No one gave ${what} within ${waited}.`
      : `${what[0]?.toUpperCase()}${what.slice(1)} did not come within ${waited}.`;
  return { type: 'end', status: 'failed', reason };
}

/**
 * What people's answers mean on any step that asks them: a CAPTCHA answer is handed to the step's next run;
 * Done means a person did the step by hand, Retry runs it again, Abort ends the teardown.
 */
const PERSON_RULES: WaitRules = {
  onSignal: {
    [SIGNAL.captchaAnswer]: (_ctx, signal) => ({
      type: 'rerun',
      reason: `CAPTCHA answered by ${signal.actor}`,
      handoff: { captchaAnswer: signal.payload.answer },
    }),
    [SIGNAL.human]: (_ctx, signal) => {
      switch (signal.payload.choice) {
        case 'done':
          return { type: 'done', note: `done by hand by ${signal.actor}` };
        case 'retry':
          return { type: 'rerun', reason: `retry asked by ${signal.actor}` };
        case 'abort':
          return { type: 'end', status: 'cancelled', reason: `Aborted by ${signal.actor}.` };
      }
    },
  },
  onDeadline: waitedTooLong,
};

/** A step's own rules over the people's ones: its signals first, then the prompts every step may show. */
export function withPersonRules(own: Partial<WaitRules> = {}): WaitRules {
  return {
    onSignal: { ...PERSON_RULES.onSignal, ...own.onSignal },
    onDeadline: own.onDeadline ?? PERSON_RULES.onDeadline,
  };
}
