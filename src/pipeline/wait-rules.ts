import { formatDuration } from '../common/duration';
import { SIGNAL, SIGNAL_SENDER, SIGNAL_WORDS, type SignalName } from './signals';
import type { DecisionContext, StepOutcome, WaitRules } from './step-handler';

/** How long the wait that just ended was declared to last (a polling step: since it started). */
export function waitedFor(ctx: DecisionContext): string {
  const wait = ctx.teardown.wait;
  return formatDuration(
    wait?.since !== undefined ? wait.until - wait.since : ctx.now - ctx.teardown.stepStartedAt,
  );
}

/** No one (or nothing) answered in time: the teardown fails, saying what it waited for and for how long. */
function waitedTooLong(ctx: DecisionContext, signal: SignalName | undefined): StepOutcome {
  // The wait's declared length, not the moment the timer happened to fire.
  const waited = waitedFor(ctx);
  const what = signal ? SIGNAL_WORDS[signal] : 'the step';
  const reason =
    signal && SIGNAL_SENDER[signal] === 'person'
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
    [SIGNAL.human]: (ctx, signal) => {
      switch (signal.payload.choice) {
        case 'done':
          return { type: 'done', note: `done by hand by ${signal.actor}` };
        case 'retry': {
          // A prompt shown because the teardown went back too often retries by going back once more.
          const target = ctx.teardown.wait?.retryGoesBackTo;
          const reason = `retry asked by ${signal.actor}`;
          return target
            ? { type: 'back-to', step: target, reason, max: Number.POSITIVE_INFINITY }
            : { type: 'rerun', reason };
        }
        case 'abort':
          return { type: 'end', status: 'cancelled', reason: `Aborted by ${signal.actor}.` };
      }
    },
  },
  onDeadline: waitedTooLong,
};

/**
 * A step's own rules over the people's ones: its signals first, then the prompts every step may show. The step's
 * deadline rule decides its own waits (`ownSignal`, or polling); a prompt to people that nobody answered ends by
 * the people's rule, whatever the step.
 */
export function withPersonRules(own: Partial<WaitRules> = {}, ownSignal?: SignalName): WaitRules {
  const ownDeadline = own.onDeadline;
  return {
    onSignal: { ...PERSON_RULES.onSignal, ...own.onSignal },
    onDeadline: (ctx, signal) =>
      ownDeadline && (signal === undefined || signal === ownSignal)
        ? ownDeadline(ctx, signal)
        : PERSON_RULES.onDeadline(ctx, signal),
  };
}
