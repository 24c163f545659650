import { PageNotRecognisedError } from '../../common/errors';
import type { StepOutcome } from '../../pipeline/step-handler';
import type { ConsoleSession } from '../browser-session';
import { solveCaptcha } from '../captcha/solve-captcha';
import { afterActingOn, press, recognise, waitForElement } from '../page-kit';
import type { FlowContext } from './flow-context';
import { captchaOwner, solvedBy, startRootSignIn } from './root-sign-in';
import { ELEMENT, RECOVERY_PAGES, type RecoveryPage } from './sign-in-pages';

/**
 * Root sign-in with the account's email → "Forgot password?" → the recovery dialog's CAPTCHA → the dialog says a
 * mail was sent. The teardown then waits for that mail's link (await-reset-mail).
 */
export async function requestReset(session: ConsoleSession, flow: FlowContext): Promise<StepOutcome> {
  const { page } = session;
  const timeoutMs = flow.settings.pageTimeoutMs;
  const start = await startRootSignIn(session, flow);
  if (start === 'signed-in') {
    // This step starts from a fresh browser with no saved session, so the console cannot be open: whatever
    // signed it in is not ours.
    throw new PageNotRecognisedError('The browser is signed in already; a reset needs a signed-out browser.');
  }
  const forgot = await waitForElement(page, ELEMENT.forgotPassword, {
    timeoutMs,
    what: 'the "Forgot password?" link',
  });
  await press(page, forgot);

  let last: RecoveryPage | undefined;
  for (let round = 0; round < 8; round++) {
    const kind = await recognise(page, afterActingOn(RECOVERY_PAGES, last), {
      timeoutMs,
      expecting: 'the password recovery dialog',
    });
    switch (kind) {
      case 'captcha':
        flow.solvers.push(await solveCaptcha(page, captchaOwner(flow), flow.captcha));
        break;
      case 'recovery-disabled':
        throw new PageNotRecognisedError(
          'AWS says password recovery is disabled for this root user: with centralized root access on, ' +
            'allow-password-recovery must run first.',
        );
      case 'recovery-sent': {
        const shot = await session.screenshot('Password reset requested', 'reset-requested');
        const done = await waitForElement(page, ELEMENT.recoveryDone, {
          timeoutMs,
          what: "the dialog's Done button",
        });
        await press(page, done);
        const by = solvedBy(flow.solvers);
        return {
          type: 'done',
          note: `AWS sent the reset mail to the root address${by ? ` (${by})` : ''}`,
          screenshot: shot,
          data: { resetRequestedAt: flow.now() },
        };
      }
      case 'recovery-open':
        // The dialog without its CAPTCHA yet, or after it: the next state comes by itself.
        break;
    }
    last = kind;
  }
  throw new PageNotRecognisedError('The password recovery dialog went round in circles.');
}
