import type { Browser } from 'puppeteer-core';
import { PageNotRecognisedError, PersonNeededError, TeardownError } from '../common/errors';
import { STEPS, type StepName } from '../pipeline/catalogue';
import type { SealedValues } from '../pipeline/ports/sealed-values';
import { SIGNAL } from '../pipeline/signals';
import type { StepContext, StepHandler, StepOutcome } from '../pipeline/step-handler';
import { ConsoleSession } from './browser-session';
import { type CaptchaChainDeps, CaptchaUnansweredError } from './captcha/solve-captcha';
import { closeAsRoot } from './flows/close-as-root';
import { completeSignup } from './flows/complete-signup';
import type { FlowContext, FlowSettings } from './flows/flow-context';
import { requestReset } from './flows/request-reset';
import { setPassword } from './flows/set-password';
import { signIn } from './flows/sign-in';
import { type PhoneVerificationDeps, stillWaitingForLine, verifyPhone } from './flows/verify-phone';
import type { Artifacts, PaymentCards, RootCredentials, SessionStore } from './ports';
import { type AwayFromTurn, type BrowserTurns, holdTurn } from './turns';

/** What the browser worker's steps use; the Lambda builds them once per container. */
export interface BrowserStepPorts {
  /** Starts Chromium (chromium.ts decides how). */
  launch: () => Promise<Browser>;
  artifacts: Artifacts;
  sessions: SessionStore;
  credentials: RootCredentials;
  sealed: SealedValues;
  captcha: Omit<CaptchaChainDeps, 'logger' | 'artifacts' | 'run'>;
  /** When the current invocation must have its outcome ready (epoch ms; Lambda's time limit), if any. */
  stopBy?: () => number | undefined;
  settings: FlowSettings;
  /** The company card the sign-up wizard is given. */
  cards: PaymentCards;
  /** Phone lines and how long their waits last (verify-phone). */
  phone: Omit<PhoneVerificationDeps, 'cards'>;
  /** When one machine runs every step (the local stack): how they share its CPU. */
  turns?: BrowserTurns;
}

type Flow = (session: ConsoleSession, flow: FlowContext) => Promise<StepOutcome>;

/** The steps the browser Lambda runs (IMPLEMENTED_STEPS.browser names them for the other Lambdas). */
export function browserStepHandlers(ports: BrowserStepPorts): Partial<Record<StepName, StepHandler>> {
  return {
    // A reset and the reset link start from a signed-out browser; signing in picks up a saved session.
    'request-reset': browserStep(ports, 'request-reset', requestReset, { restoreSession: false }),
    'set-password': browserStep(ports, 'set-password', setPassword, { restoreSession: false }),
    'sign-in': browserStep(ports, 'sign-in', signIn, { restoreSession: true }),
    'complete-signup': browserStep(
      ports,
      'complete-signup',
      (session, flow) => completeSignup(session, flow, { cards: ports.cards }),
      { restoreSession: true },
    ),
    'verify-phone': browserStep(
      ports,
      'verify-phone',
      (session, flow) => verifyPhone(session, flow, { ...ports.phone, cards: ports.cards }),
      // A teardown far back in the line queue looks again without starting Chromium. It takes no turn: it mostly
      // waits for a line and a call, and it is what frees the lines the others queue for.
      {
        restoreSession: true,
        before: (ctx) => stillWaitingForLine({ teardown: ctx.teardown, now: () => Date.now() }, ports.phone),
        turns: false,
      },
    ),
    'close-as-root': browserStep(ports, 'close-as-root', closeAsRoot, { restoreSession: true }),
  };
}

/**
 * One browser step: Chromium started, the flow run, and closed again on every path. A page the flow does not
 * know (or a CAPTCHA no one answered) becomes a wait for a person, with the masked screenshot and the scrubbed
 * HTML kept; anything else is an error the runner retries.
 */
function browserStep(
  ports: BrowserStepPorts,
  step: StepName,
  flow: Flow,
  options: {
    restoreSession: boolean;
    before?: (ctx: StepContext) => Promise<StepOutcome | undefined>;
    turns?: false;
  },
): StepHandler {
  return {
    async run(ctx: StepContext): Promise<StepOutcome> {
      const early = await options.before?.(ctx);
      if (early) return early;
      const { teardown } = ctx;
      const email = teardown.summary?.email;
      if (!email) throw new TeardownError('STEP_FAILED', 'The account summary has no root email address.');
      const turn =
        ports.turns && options.turns !== false
          ? await holdTurn(ports.turns, teardown.decidedAt ?? teardown.createdAt)
          : undefined;
      try {
        return await inSession(ctx, email, turn?.away);
      } finally {
        turn?.end();
      }
    },
  };

  async function inSession(
    ctx: StepContext,
    email: string,
    away: AwayFromTurn | undefined,
  ): Promise<StepOutcome> {
    const { teardown, logger } = ctx;
    const session = await ConsoleSession.open(ports.launch, teardown, {
      artifacts: ports.artifacts,
      sessions: ports.sessions,
      logger,
      step,
    });
    try {
      if (options.restoreSession) await session.restoreSession();
      return await flow(session, {
        teardown,
        stepTitle: STEPS[step].title,
        email,
        credentials: ports.credentials,
        sealed: ports.sealed,
        captcha: {
          ...ports.captcha,
          artifacts: ports.artifacts,
          logger,
          run: {},
          ...(ports.stopBy ? { stopBy: ports.stopBy } : {}),
          ...(away ? { away } : {}),
        },
        settings: ports.settings,
        logger,
        now: () => Date.now(),
        solvers: [],
      });
    } catch (error) {
      if (
        error instanceof PageNotRecognisedError ||
        error instanceof CaptchaUnansweredError ||
        error instanceof PersonNeededError
      ) {
        const screenshot = await session.surprise(error.message);
        logger.warn('browser step needs a person', {
          step,
          reason: error.message,
          refused: session.refused,
        });
        return {
          type: 'await',
          signal: SIGNAL.human,
          // The prompt under it says what Done, Retry and Abort do.
          reason: error.message,
          ...(screenshot ? { screenshot } : {}),
        };
      }
      await session.surprise(`${STEPS[step].title} failed`);
      throw error;
    } finally {
      await session.close();
    }
  }
}
