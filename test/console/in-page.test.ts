// What a screenshot and a saved page may show, checked in real Chromium on pages written here (no network).
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../../src/console/chromium';
import { maskSecrets } from '../../src/console/in-page';
import { pageHtml, runInFrame } from '../../src/console/page-kit';

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
