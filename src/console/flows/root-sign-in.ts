import { PageNotRecognisedError } from '../../common/errors';
import type { ConsoleSession } from '../browser-session';
import { type CaptchaOwner, type Solver, solveCaptcha } from '../captcha/solve-captcha';
import { afterActingOn, fill, findNow, press, recognise, waitForElement } from '../page-kit';
import type { FlowContext } from './flow-context';
import { CONSOLE_HOME, ELEMENT, SIGN_IN_PAGES, type SignInPage } from './sign-in-pages';

/** How far `startRootSignIn` got: the password page (the usual), or signed in already (a saved session). */
export type SignInStart = 'password' | 'signed-in';

/** Who solved the CAPTCHAs of a flow, for its note. */
export function solvedBy(solvers: readonly Solver[]): string | undefined {
  if (solvers.length === 0) return undefined;
  // A bare user id: the thread renderer turns it into a mention.
  const names = solvers.map((s) => (s === '2captcha' ? '2captcha' : s.person));
  return `CAPTCHA solved by ${[...new Set(names)].join(' and ')}`;
}

export function captchaOwner(flow: FlowContext): CaptchaOwner {
  const t = flow.teardown;
  return {
    accountId: t.accountId,
    teardownId: t.teardownId,
    ...(t.slack ? { slack: t.slack } : {}),
    stepTitle: flow.stepTitle,
  };
}

/**
 * Opens the console as a signed-out root user would and goes as far as the password page: root user chosen,
 * email given, any CAPTCHA on the way solved. A restored session may land straight in the console.
 */
export async function startRootSignIn(session: ConsoleSession, flow: FlowContext): Promise<SignInStart> {
  const { page } = session;
  await session.goto(CONSOLE_HOME);
  const timeoutMs = flow.settings.pageTimeoutMs;
  let last: SignInPage | undefined;
  // Each round acts on the page it recognises, then waits for any other page: one that stays as it was after
  // its action is a surprise for a person to look at.
  for (let round = 0; round < 12; round++) {
    const kind = await recognise(page, afterActingOn(SIGN_IN_PAGES, last), {
      timeoutMs,
      expecting: 'the root sign-in pages',
    });
    switch (kind) {
      case 'signed-in':
        return 'signed-in';
      case 'password':
        return 'password';
      case 'captcha':
        flow.solvers.push(await solveCaptcha(page, captchaOwner(flow), flow.captcha));
        break;
      case 'unknown-email':
        throw new PageNotRecognisedError(
          `AWS does not know the root email address of ${flow.teardown.accountId}; has it changed?`,
        );
      case 'email': {
        const root = await findNow(page.mainFrame(), ELEMENT.rootUserChoice);
        if (root && !(await root.evaluate((el) => (el as unknown as { checked?: boolean }).checked === true)))
          await press(page, root);
        const email = await waitForElement(page, ELEMENT.email, { timeoutMs, what: 'the email field' });
        await fill(page, email, flow.email);
        const next = await findNow(page.mainFrame(), ELEMENT.next);
        // The newer page submits the email with Enter and may have no Next button at all.
        if (next) await press(page, next);
        else await email.press('Enter');
        break;
      }
      default:
        throw new PageNotRecognisedError(`The sign-in went to a page I did not expect (${kind}).`);
    }
    last = kind;
  }
  throw new PageNotRecognisedError('The sign-in went round in circles.');
}
