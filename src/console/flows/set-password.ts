import { PageNotRecognisedError } from '../../common/errors';
import type { StepOutcome } from '../../pipeline/step-handler';
import { RESET_REQUESTS_AGAIN } from '../../pipeline/steps/await-reset-mail';
import { describeUrl, isResetLink } from '../allow-list';
import type { ConsoleSession } from '../browser-session';
import { afterActingOn, fill, findNow, press, recognise, waitForElement } from '../page-kit';
import { type FlowContext, handedOver, usedUp } from './flow-context';
import { ELEMENT, RESET_PAGES, type ResetPage } from './sign-in-pages';

/**
 * Opens the mailed reset link (AWS's sign-in host only), sets a new root password kept in Secrets Manager before
 * it is typed, and waits for the page to confirm it.
 */
export async function setPassword(session: ConsoleSession, flow: FlowContext): Promise<StepOutcome> {
  const { page } = session;
  const handed = flow.teardown.handoff?.resetLink;
  const link = await handedOver(flow, handed);
  if (!link) {
    return {
      type: 'back-to',
      step: 'request-reset',
      reason: 'there is no reset link to open (it was used or never came)',
      max: RESET_REQUESTS_AGAIN,
    };
  }
  if (!isResetLink(link)) {
    // Never opened: the mail Lambda checks this too, and a link from anywhere else is not AWS's.
    throw new PageNotRecognisedError(
      `The reset link points to ${describeUrl(link)}, not to AWS's sign-in host; I did not open it.`,
    );
  }
  await session.goto(link);
  const timeoutMs = flow.settings.pageTimeoutMs;
  let last: ResetPage | undefined;
  for (let round = 0; round < 4; round++) {
    const kind = await recognise(page, afterActingOn(RESET_PAGES, last), {
      timeoutMs,
      expecting: 'the reset page',
    });
    switch (kind) {
      case 'link-expired':
        return {
          type: 'back-to',
          step: 'request-reset',
          reason: 'the reset link had expired or was used already',
          max: RESET_REQUESTS_AGAIN,
        };
      case 'password-refused':
        throw new PageNotRecognisedError('AWS refused the generated password; its rules may have changed.');
      case 'reset-done': {
        await usedUp(flow, handed);
        const shot = await session.screenshot('Root password set', 'password-set');
        return {
          type: 'done',
          note: 'root password set and kept in Secrets Manager',
          screenshot: shot,
          data: { passwordSetAt: flow.now() },
        };
      }
      case 'reset-form': {
        // Stored before it is typed: a password AWS accepted is never one we lost.
        const password = await flow.credentials.newPassword(flow.teardown.accountId);
        const field = await waitForElement(page, ELEMENT.newPassword, {
          timeoutMs,
          what: 'the new password field',
        });
        await fill(page, field, password);
        const confirm = await waitForElement(page, ELEMENT.confirmPassword, {
          timeoutMs,
          what: 'the confirm password field',
        });
        await fill(page, confirm, password);
        const submit = await findNow(page.mainFrame(), ELEMENT.resetSubmit);
        if (submit) await press(page, submit);
        else await confirm.press('Enter');
        break;
      }
    }
    last = kind;
  }
  throw new PageNotRecognisedError('The reset page did not confirm the new password.');
}
