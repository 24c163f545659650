import { PageNotRecognisedError } from '../../common/errors';
import { SIGNAL } from '../../pipeline/signals';
import type { StepOutcome } from '../../pipeline/step-handler';
import type { ConsoleSession } from '../browser-session';
import { solveCaptcha } from '../captcha/solve-captcha';
import { findSecretKeyText } from '../in-page';
import { consecutiveMfaCodes, mfaCode } from '../mfa';
import { afterActingOn, fill, findNow, press, recognise, script, waitForElement } from '../page-kit';
import { type FlowContext, handedOver, usedUp } from './flow-context';
import { captchaOwner, solvedBy, startRootSignIn } from './root-sign-in';
import { ELEMENT, SIGN_IN_PAGES, type SignInPage } from './sign-in-pages';

/** Where the teardown keeps the address of the page that asked for a mailed code (no secret in it). */
const CODE_PAGE = 'signInCodePage';

/**
 * Signs in as root with the password from Secrets Manager and deals with whatever AWS asks next, by meaning:
 * nothing (straight in), registering MFA (skipped while allowed, else a virtual authenticator whose key is stored
 * first), an MFA code, or a code mailed to the root address (waited for as a signal). The session is saved for the
 * later browser steps.
 */
export async function signIn(session: ConsoleSession, flow: FlowContext): Promise<StepOutcome> {
  const { page } = session;
  const timeoutMs = flow.settings.pageTimeoutMs;
  const handedCode = flow.teardown.handoff?.signInCode;
  const mailedCode = await handedOver(flow, handedCode);
  const codePage = flow.teardown.data[CODE_PAGE];
  const notes: string[] = [];

  let start: 'password' | 'signed-in' | 'code-page';
  // Empty once a sign-in finished (signedIn clears it), so a later code never goes to an old page.
  if (mailedCode && typeof codePage === 'string' && codePage !== '') {
    // The mailed code belongs to the sign-in that asked for it: back to that page, in that session.
    await session.goto(codePage);
    start = 'code-page';
  } else {
    start = await startRootSignIn(session, flow);
  }
  if (start === 'signed-in') return signedIn(session, flow, ['the saved session was still signed in']);
  if (start === 'code-page') await usedUp(flow, handedCode);
  if (start === 'password') {
    const password = await flow.credentials.password(flow.teardown.accountId);
    if (!password) {
      throw new PageNotRecognisedError(
        'There is no root password in Secrets Manager for this account; set-password must run first.',
      );
    }
    const field = await waitForElement(page, ELEMENT.password, { timeoutMs, what: 'the password field' });
    await fill(page, field, password);
    const button = await findNow(page.mainFrame(), ELEMENT.signIn);
    if (button) await press(page, button);
    else await field.press('Enter');
  }

  let last: SignInPage | undefined = start === 'password' ? 'password' : undefined;
  let codeTyped = false;
  for (let round = 0; round < 10; round++) {
    const kind: SignInPage = await recognise(page, afterActingOn(SIGN_IN_PAGES, last), {
      timeoutMs,
      expecting: 'the console, or a page that asks for MFA or a code',
    });
    switch (kind) {
      case 'signed-in':
        return signedIn(session, flow, notes);
      case 'captcha':
        flow.solvers.push(await solveCaptcha(page, captchaOwner(flow), flow.captcha));
        break;
      case 'wrong-password':
        throw new PageNotRecognisedError('AWS refused the root password kept in Secrets Manager.');
      case 'mfa-register': {
        const skip = await findNow(page.mainFrame(), ELEMENT.skipMfa);
        if (skip) {
          await press(page, skip);
          notes.push('MFA registration skipped while AWS still allows it');
          break;
        }
        const app = await waitForElement(page, ELEMENT.authenticatorApp, {
          timeoutMs,
          what: 'the "Authenticator app" choice',
        });
        await press(page, app);
        const name = await findNow(page.mainFrame(), ELEMENT.deviceName);
        if (name) await fill(page, name, `sandbox-teardown-${flow.teardown.accountId}`);
        await press(page, await waitForElement(page, ELEMENT.next, { timeoutMs, what: 'the Next button' }));
        break;
      }
      case 'mfa-setup': {
        const show = await findNow(page.mainFrame(), ELEMENT.showSecretKey);
        if (show) await press(page, show);
        const key = await readSecretKey(session, timeoutMs);
        // Kept before it is used: a device AWS registered is never one whose key we lost.
        await flow.credentials.saveMfaKey(flow.teardown.accountId, key);
        const [first, second] = consecutiveMfaCodes(key, flow.now());
        await fill(
          page,
          await waitForElement(page, ELEMENT.mfaCode1, { timeoutMs, what: 'the first MFA code field' }),
          first,
        );
        await fill(
          page,
          await waitForElement(page, ELEMENT.mfaCode2, { timeoutMs, what: 'the second MFA code field' }),
          second,
        );
        await press(
          page,
          await waitForElement(page, ELEMENT.addMfa, { timeoutMs, what: 'the Add MFA button' }),
        );
        notes.push('a virtual MFA device was registered for the root user (key in Secrets Manager)');
        break;
      }
      case 'mfa-code': {
        const key = await flow.credentials.mfaKey(flow.teardown.accountId);
        if (!key)
          throw new PageNotRecognisedError(
            'AWS asks for an MFA code, but no MFA device of ours is registered.',
          );
        await fill(
          page,
          await waitForElement(page, ELEMENT.mfaCode, { timeoutMs, what: 'the MFA code field' }),
          mfaCode(key, flow.now()),
        );
        await press(
          page,
          await waitForElement(page, ELEMENT.mfaSubmit, { timeoutMs, what: 'the Submit button' }),
        );
        break;
      }
      case 'mailed-code-refused':
      case 'mailed-code': {
        if (kind === 'mailed-code' && mailedCode && !codeTyped) {
          const field = await waitForElement(page, ELEMENT.mailedCode, {
            timeoutMs,
            what: 'the verification code field',
          });
          await fill(page, field, mailedCode);
          await press(
            page,
            await waitForElement(page, ELEMENT.verify, { timeoutMs, what: 'the Verify button' }),
          );
          codeTyped = true;
          notes.push('signed in with the code AWS mailed to the root address');
          break;
        }
        // Wait for the mail Lambda to hand the code over; this page (and its session) is where it goes.
        await session.saveSession();
        const url = new URL(page.url());
        return {
          type: 'await',
          signal: SIGNAL.signInCode,
          reason:
            kind === 'mailed-code-refused'
              ? 'AWS refused the mailed sign-in code; waiting for a new one'
              : 'AWS mailed a sign-in code to the root address; waiting for it',
          data: { [CODE_PAGE]: `${url.origin}${url.pathname}` },
        };
      }
      case 'password':
      case 'email':
        if (start === 'code-page') {
          // The page that asked for the code is gone (its session expired): the code is no good any more, and a
          // new sign-in from the start will have AWS mail a new one.
          return {
            type: 'rerun',
            reason: 'the sign-in that asked for the mailed code expired; signing in again',
            handoff: { signInCode: null },
          };
        }
        throw new PageNotRecognisedError('AWS went back to the sign-in form after the password.');
      case 'unknown-email':
        throw new PageNotRecognisedError('AWS no longer knows the root email address.');
    }
    last = kind;
  }
  throw new PageNotRecognisedError('The sign-in went round in circles.');
}

async function readSecretKey(session: ConsoleSession, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const frame = session.page.mainFrame();
  const handle = await frame
    .waitForFunction(script(findSecretKeyText), {
      polling: 100,
      timeout: Math.max(1, deadline - Date.now()),
    })
    .catch(() => undefined);
  const key = handle ? ((await handle.jsonValue()) as string | null) : null;
  await handle?.dispose();
  if (!key) throw new PageNotRecognisedError('The MFA set-up page did not show its secret key.');
  return key;
}

async function signedIn(session: ConsoleSession, flow: FlowContext, notes: string[]): Promise<StepOutcome> {
  await session.saveSession();
  const shot = await session.screenshot('Signed in as root', 'signed-in');
  const by = solvedBy(flow.solvers);
  return {
    type: 'done',
    note: ['signed in as root', ...notes, ...(by ? [by] : [])].join('; '),
    screenshot: shot,
    data: { signedInAt: flow.now(), [CODE_PAGE]: '' },
  };
}
