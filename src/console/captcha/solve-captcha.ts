import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Page } from 'puppeteer-core';
import type { AccountId } from '../../common/account-id';
import { PageNotRecognisedError, TeardownError } from '../../common/errors';
import type { SlackPlacement } from '../../pipeline/model';
import type { CaptchaChallenges } from '../../pipeline/ports/captcha-challenges';
import { artifactKey } from '../adapters/s3-artifacts';
import type { Artifacts, CaptchaPrompter, CaptchaSolver, SolverFailure } from '../ports';
import { type AwayFromTurn, noTurns } from '../turns';
import { captureCaptcha, requestNewPicture, submitAnswer, verdict } from './captcha-widget';

/** No one answered a CAPTCHA in time: the step waits for a person's Done / Retry / Abort instead. */
export class CaptchaUnansweredError extends TeardownError {
  constructor(message: string) {
    super('STEP_FAILED', message);
  }
}

export interface CaptchaChainDeps {
  /** The solver service; absent when no key is configured (people answer every CAPTCHA then). */
  solver?: CaptchaSolver;
  challenges: CaptchaChallenges;
  prompter: CaptchaPrompter;
  artifacts: Artifacts;
  logger: Logger;
  settings: {
    /** Answers of the solver service the page may reject before people are asked. */
    solverAttempts: number;
    /** How long one solve may take. */
    solverTimeoutMs: number;
    /** How long people may take for one picture (the browser keeps the page open meanwhile). */
    humanWaitMs: number;
    /** How often the challenge store is read while people answer. */
    humanPollMs: number;
    /** Pictures people may be shown in one run before a person decides (Done / Retry / Abort) instead. */
    humanRounds?: number;
    /** How long the page may take to take or refuse an answer. */
    verdictTimeoutMs: number;
  };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * What this run learned about the solver service: out of money, down or too slow once means people answer
   * the run's later CAPTCHAs without asking it again.
   */
  run?: { solverUnavailable?: SolverFailure };
  /**
   * When this run must stop waiting for people at the latest (epoch ms), so that its outcome is still saved before
   * the invocation ends; undefined: no such limit.
   */
  stopBy?: () => number | undefined;
  /** Gives the step's turn on the machine back while 2captcha or people read the picture (see turns.ts). */
  away?: AwayFromTurn;
}

export interface CaptchaOwner {
  accountId: AccountId;
  teardownId: string;
  slack?: SlackPlacement;
  stepTitle: string;
}

/** Who solved the CAPTCHA in the end, for the step's note. */
export type Solver = '2captcha' | { person: string };

/** Less time than this left for people is not worth a prompt. */
const MIN_HUMAN_WAIT_MS = 30_000;

// Solver service answers are kept short and case-sensitive: AWS's pictures have 6 characters.
const ANSWER_LENGTH = { minLength: 4, maxLength: 10 };

/**
 * Solves the CAPTCHA on the page: the solver service first (a rejected answer is reported and another picture
 * tried, up to `solverAttempts`), then the people in the thread, who get the same page's picture while this
 * browser keeps it open; the first valid answer in the challenge store wins. Throws CaptchaUnansweredError when
 * no one answered in time. `beforeAnswer` runs once an answer is in hand, right before it goes in: what the form
 * sends with it can be made ready then (a phone line is leased only once the CAPTCHA no longer holds it up).
 */
export async function solveCaptcha(
  page: Page,
  owner: CaptchaOwner,
  deps: CaptchaChainDeps,
  hooks: { beforeAnswer?: () => Promise<void> } = {},
): Promise<Solver> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { settings, logger } = deps;
  const away = deps.away ?? noTurns;

  const current = async () => {
    const shown = await captureCaptcha(page, settings.verdictTimeoutMs);
    if (!shown) throw new PageNotRecognisedError('A CAPTCHA was announced but I could not find its picture.');
    return shown;
  };

  const { solver } = deps;
  if (solver && !deps.run?.solverUnavailable) {
    let serviceOut = false;
    for (let attempt = 1; attempt <= settings.solverAttempts && !serviceOut; attempt++) {
      const { widget, png } = await current();
      const result = await away(() =>
        solver.solve(png, { deadlineAt: now() + settings.solverTimeoutMs, ...ANSWER_LENGTH }),
      );
      if (!result.ok) {
        logger.warn('captcha solver gave no answer', {
          failure: result.failure,
          detail: result.detail,
          attempt,
        });
        // Unreadable or busy: another picture may do. Out of money, broken or too slow: people take over now.
        if (result.failure === 'unsolvable' || result.failure === 'no-slot') {
          if (!(await requestNewPicture(page, widget, settings.verdictTimeoutMs))) serviceOut = true;
          continue;
        }
        serviceOut = true;
        if (deps.run) deps.run.solverUnavailable = result.failure;
        break;
      }
      await hooks.beforeAnswer?.();
      await submitAnswer(page, widget, result.answer);
      const seen = await verdict(page, widget, settings.verdictTimeoutMs);
      if (seen === 'accepted') {
        await solver.reportCorrect(result.taskId);
        return '2captcha';
      }
      await solver.reportIncorrect(result.taskId);
      logger.info('captcha answer rejected by the page', { attempt });
    }
  }

  // People: one challenge per picture, until one is taken, no one answers in time, or too many were refused.
  const rounds = settings.humanRounds ?? 3;
  for (let round = 1; round <= rounds; round++) {
    const { widget, png } = await current();
    const id = randomUUID();
    const createdAt = now();
    const stopBy = deps.stopBy?.();
    if (stopBy !== undefined && stopBy - createdAt < MIN_HUMAN_WAIT_MS) {
      throw new CaptchaUnansweredError('This run has no time left to wait for a CAPTCHA answer.');
    }
    const expiresAt = Math.min(createdAt + settings.humanWaitMs, stopBy ?? Number.POSITIVE_INFINITY);
    const imageRef = await deps.artifacts.put(
      artifactKey(owner, 'captcha', `${id}.png`, createdAt),
      png,
      'image/png',
    );
    await deps.challenges.open({
      id,
      accountId: owner.accountId,
      teardownId: owner.teardownId,
      imageRef,
      createdAt,
      expiresAt,
    });
    await deps.prompter.ask({
      accountId: owner.accountId,
      teardownId: owner.teardownId,
      challengeId: id,
      png,
      until: expiresAt,
      ...(owner.slack ? { slack: owner.slack } : {}),
      stepTitle: owner.stepTitle,
    });
    const answer = await away(async () => {
      while (now() < expiresAt) {
        const challenge = await deps.challenges.get(id);
        if (challenge?.answer && challenge.answeredBy)
          return { text: challenge.answer, by: challenge.answeredBy };
        await sleep(Math.min(settings.humanPollMs, Math.max(0, expiresAt - now())));
      }
      return undefined;
    });
    await deps.challenges.close(id);
    if (!answer) {
      await deps.prompter.finished({ challengeId: id, outcome: 'expired' });
      throw new CaptchaUnansweredError('No one answered the CAPTCHA in time.');
    }
    await deps.prompter.finished({ challengeId: id, outcome: 'answered', by: answer.by });
    await hooks.beforeAnswer?.();
    await submitAnswer(page, widget, answer.text);
    if ((await verdict(page, widget, settings.verdictTimeoutMs)) === 'accepted') return { person: answer.by };
    logger.info('captcha answer from a person rejected by the page', { round });
  }
  throw new CaptchaUnansweredError(`The page refused ${rounds} answers to its CAPTCHA.`);
}
