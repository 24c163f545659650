// What a screenshot and a saved page may show, checked in real Chromium on pages written here (no network).
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/console/chromium';
import { ELEMENT } from '../../src/console/flows/sign-in-pages';
import { maskSecrets } from '../../src/console/in-page';
import { type ElementSpec, findNow, pageHtml, runInFrame } from '../../src/console/page-kit';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let browser: Browser;
let page: Page;
beforeAll(async () => {
  // Neither simulator variable: the machine's Chromium, nothing mapped.
  browser = await launchChromium({});
  page = await browser.newPage();
});
afterAll(async () => browser?.close());

/** The elements a mask covers now, by the text or field under it. */
const coveredNow = () =>
  page.evaluate(() => {
    const masks = Array.from(document.querySelectorAll('[data-sandbox-teardown-mask]'));
    return Array.from(document.querySelectorAll('span, input'))
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return masks.some((m) => {
          const cover = m.getBoundingClientRect();
          return (
            cover.left <= box.left &&
            cover.top <= box.top &&
            cover.right >= box.right &&
            cover.bottom >= box.bottom
          );
        });
      })
      .map((el) => el.id);
  });

it('covers an MFA key shown as plain text and a typed CAPTCHA answer, not the email', async () => {
  await page.setContent(`<p>Secret key: <span id="shown-key">${KEY.replace(/(.{4})/g, '$1 ')}</span></p>
<label for="email">Root user email address</label><input id="email" name="email" value="root@example.com">
<label for="answer">Type the characters as shown above</label><input id="answer" name="captchaGuess">`);
  await page.type('#answer', 'Xk7pQ2');
  await runInFrame(page.mainFrame(), maskSecrets);
  expect((await coveredNow()).sort()).toEqual(['answer', 'shown-key']);
});

it('keeps no key text, typed value or link token in the saved page, whichever query parameter holds it', async () => {
  await page.setContent(`<p><span>${KEY}</span></p>
<a href="https://signin.aws.amazon.com/resetpassword?type=RootUser&token=t0ken-after-an-ampersand">again</a>
<a href="https://signin.aws.amazon.com/resetpassword?token=t0ken-first">first</a>
<input id="code" name="code">`);
  await page.type('#code', '123456');
  const html = await pageHtml(page);
  expect(html).toContain('resetpassword?type=RootUser&amp;token=[removed]');
  for (const secret of [KEY, 't0ken-after-an-ampersand', 't0ken-first', '123456'])
    expect(html).not.toContain(secret);
});

describe.each([
  [
    'old',
    {
      email: 'resolving_input',
      next: 'next_button',
      password: 'password',
      signIn: 'signin_button',
      forgot: 'root_forgot_password_link',
      newPassword: 'new_password',
      confirmPassword: 'confirm_password',
      resetSubmit: 'reset_password_submit',
    },
  ],
  [
    'new',
    {
      email: 'resolvingInput',
      next: undefined,
      password: 'password',
      signIn: 'signinButton',
      forgot: 'rootForgotPasswordLink',
      newPassword: 'newPassword',
      confirmPassword: 'confirmNewPassword',
      resetSubmit: 'resetPasswordSubmit',
    },
  ],
] as const)('on a %s-generation page whose labels say nothing the flows know', (_generation, ids) => {
  it('finds each element by its known id', async () => {
    // Texts no flow looks for: only the ids can find these elements.
    await page.setContent(`<form>
      <input id="${ids.email}" type="email" aria-label="Adresse e-mail">
      ${ids.next ? `<button id="${ids.next}" type="button">Weiter</button>` : ''}
      <input id="${ids.password}" type="password" aria-label="Kennwort">
      <button id="${ids.signIn}" type="button">Anmelden</button>
      <a id="${ids.forgot}" href="#">Kennwort vergessen</a>
      <input id="${ids.newPassword}" type="password" aria-label="Neu">
      <input id="${ids.confirmPassword}" type="password" aria-label="Wiederholen">
      <button id="${ids.resetSubmit}" type="button">Ändern</button>
    </form>`);
    const found = async (spec: ElementSpec) =>
      (await findNow(page.mainFrame(), spec))?.evaluate((el) => el.id);
    expect(await found(ELEMENT.email)).toBe(ids.email);
    expect(await found(ELEMENT.password)).toBe(ids.password);
    expect(await found(ELEMENT.signIn)).toBe(ids.signIn);
    expect(await found(ELEMENT.forgotPassword)).toBe(ids.forgot);
    expect(await found(ELEMENT.newPassword)).toBe(ids.newPassword);
    expect(await found(ELEMENT.confirmPassword)).toBe(ids.confirmPassword);
    expect(await found(ELEMENT.resetSubmit)).toBe(ids.resetSubmit);
    expect(await found(ELEMENT.next)).toBe(ids.next);
  });
});
