import type { ElementHandle, Page } from 'puppeteer-core';
import { PageNotRecognisedError } from '../../common/errors';
import type { StepOutcome } from '../../pipeline/step-handler';
import type { ConsoleSession } from '../browser-session';
import {
  afterActingOn,
  fill,
  findNow,
  inPageScript,
  pollUntil,
  press,
  recognise,
  waitForElement,
} from '../page-kit';
import {
  ACCOUNT_PAGE,
  ACCOUNT_PAGES,
  type AccountPage,
  CLOSE,
  CLOSE_ACKNOWLEDGEMENTS,
} from './billing-pages';
import { signInAgain } from './billing-wizard';
import type { FlowContext } from './flow-context';
import { tick } from './form-fields';

/**
 * Closes the standalone account as its root user on the account page, in whichever layout AWS serves: the
 * acknowledgements ticked and the dialog confirmed, or the account id typed into the dialog. Done only once the
 * page shows the account closed.
 */
export async function closeAsRoot(session: ConsoleSession, flow: FlowContext): Promise<StepOutcome> {
  const { page } = session;
  const timeoutMs = flow.settings.pageTimeoutMs;
  const accountId = flow.teardown.accountId;
  await session.goto(ACCOUNT_PAGE);
  let last: AccountPage | undefined;
  let signedInAgain = false;
  for (let round = 0; round < 8; round++) {
    const kind = await recognise(page, afterActingOn(ACCOUNT_PAGES, last), {
      timeoutMs,
      expecting: 'the account page with its "Close account" section',
    });
    switch (kind) {
      case 'signed-out':
        if (signedInAgain) throw new PageNotRecognisedError('The account page keeps asking to sign in.');
        signedInAgain = true;
        await signInAgain(session, flow);
        await session.goto(ACCOUNT_PAGE);
        last = undefined;
        continue;
      case 'closed': {
        // The page's words, then the billing service's own answer where it gives one.
        const shown = await accountOnPage(page);
        if (shown && (shown.accountId !== accountId || !/suspended|closed/i.test(shown.status))) {
          throw new PageNotRecognisedError(
            `The page says the account is closed, but AWS reports ${shown.accountId} as ${shown.status}.`,
          );
        }
        const screenshot = await session.screenshot('Account closed', 'closed');
        return {
          type: 'done',
          note: 'closed as root; AWS keeps it suspended for 90 days, then closes it for good',
          screenshot,
          data: { closedState: (shown?.status ?? 'Suspended').toUpperCase(), closedAt: flow.now() },
        };
      }
      case 'account': {
        // Destroying: the signed-in root must be this account's (the typed-id dialog checks it too).
        const shown = await accountOnPage(page);
        if (shown && shown.accountId !== accountId) {
          throw new PageNotRecognisedError(
            `The console is signed in to ${shown.accountId}, not ${accountId}; I closed nothing.`,
          );
        }
        // The older layout's acknowledgements come before its button (which stays disabled until all are ticked).
        for (const selector of CLOSE_ACKNOWLEDGEMENTS) {
          await tick(page, { role: 'choice', hints: [selector] });
        }
        const button = await waitForElement(page, CLOSE.closeAccount, {
          timeoutMs,
          what: 'the "Close account" button',
        });
        await press(page, button);
        break;
      }
      case 'confirm-dialog': {
        const typed = await findNow(page.mainFrame(), CLOSE.typedId);
        // The dialog names the account it closes: typing it is the last check that it is the one we mean.
        if (typed) await fill(page, typed, accountId);
        const confirm = await dialogButton(page, timeoutMs);
        await press(page, confirm);
        // A dialog may be followed by another one (a last "are you sure"): wait until this button is gone, then
        // look at the page afresh.
        await pollUntil(
          () =>
            confirm
              .evaluate((el) => (!el.isConnected || el.getClientRects().length === 0 ? true : undefined))
              .catch(() => true),
          timeoutMs,
        );
        last = undefined;
        continue;
      }
    }
    last = kind;
  }
  throw new PageNotRecognisedError('The account page did not show the account closed.');
}

/**
 * The dialog's own confirming button: by the known ids first, then by its words inside the dialog on top (the
 * page beneath has a "Close account" button of its own). Enabled only once the dialog is satisfied.
 */
async function dialogButton(page: Page, timeoutMs: number): Promise<ElementHandle<Element>> {
  const found = await pollUntil(async () => {
    for (const hint of CLOSE.confirm.hints) {
      const element = await findNow(page.mainFrame(), { role: 'button', hints: [hint] });
      if (element && (await enabled(element))) return element;
    }
    const handle = await page.mainFrame().evaluateHandle(
      inPageScript(`
        const dialogs = Array.from(document.querySelectorAll('[role=dialog], .modal-dialog'))
          .filter((d) => d.getClientRects().length > 0);
        const top = dialogs[dialogs.length - 1];
        if (!top) return null;
        const pattern = new RegExp(${JSON.stringify(CLOSE.confirm.name)}, 'i');
        return Array.from(top.querySelectorAll('button'))
          .find((b) => !b.disabled && b.getClientRects().length > 0 && pattern.test((b.textContent || '').trim())) || null;`),
    );
    const element = handle.asElement() as ElementHandle<Element> | null;
    if (element) return element;
    await handle.dispose();
    return undefined;
  }, timeoutMs);
  if (!found) throw new PageNotRecognisedError('The close dialog has no button I can use to confirm.');
  return found;
}

const enabled = (element: ElementHandle<Element>) =>
  element.evaluate(
    (el) => !(el as unknown as { disabled?: boolean }).disabled && el.getClientRects().length > 0,
  );

/**
 * The account the billing service says is signed in, and its status, from the JSON the account page itself reads
 * (undefined where it answers nothing usable: the page's words then stand alone).
 */
async function accountOnPage(page: Page): Promise<{ accountId: string; status: string } | undefined> {
  const answer = await page
    .mainFrame()
    .evaluate(
      // An expression string (not a function): nothing of this module's code crosses into the page.
      `(async () => {
        const res = await fetch('/billing/rest/v1.0/account', { credentials: 'include', headers: { accept: 'application/json' } });
        if (!res.ok) return null;
        const body = await res.json().catch(() => null);
        return body && typeof body.accountId === 'string' && typeof body.accountStatus === 'string'
          ? { accountId: body.accountId, status: body.accountStatus }
          : null;
      })()`,
    )
    .catch(() => null);
  return (answer as { accountId: string; status: string } | null) ?? undefined;
}
