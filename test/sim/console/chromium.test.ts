import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSim, startConsoleSim } from '../../../sim/console';

// One real browser against the simulator, addressed by the real AWS URLs as the product's browser will be.

const ROOT = { accountId: '111122223333', email: 'root@example.com', password: 'Correct-Horse-9' };

let sim: ConsoleSim;
let browser: Browser;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'always', generation: 'new', cookieBanner: true });
  sim.addAccount(ROOT);
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      `--host-resolver-rules=MAP * ${sim.address}`,
      `--ignore-certificate-errors-spki-list=${sim.spki}`,
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

async function captchaFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe[title="Security verification"]');
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('no CAPTCHA frame');
  await frame.waitForSelector('input[name=captchaGuess]');
  return frame;
}

async function answerCaptcha(frame: Frame, answer: string): Promise<void> {
  await frame.type('input[name=captchaGuess]', answer);
  await frame.click('button[type=submit]');
}

describe('console simulator in Chromium', () => {
  it('takes a browser from the console through the CAPTCHA and password to the console home', async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto('https://console.aws.amazon.com/console/home', { waitUntil: 'load' });
    expect(new URL(page.url()).host).toBe('signin.aws.amazon.com');
    expect(await page.$eval('h1', (h1) => h1.textContent)).toBe('Sign in');

    // The banner covers the form until it is dismissed.
    const topmostOverField = () =>
      page.$eval('#resolvingInput', (input) => {
        const box = input.getBoundingClientRect();
        return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)?.closest('[id]')?.id;
      });
    expect(await topmostOverField()).toBe('awsccc-cb-content');
    await page.click('[data-id=awsccc-cb-btn-continue]');
    expect(await topmostOverField()).toBe('resolvingInput');
    expect(await page.$('#awsccc-cb-content')).toBeNull();

    await page.type('#resolvingInput', ROOT.email);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.$eval('[role=dialog] h2', (h2) => h2.textContent)).toBe('Security Verification');

    let frame = await captchaFrame(page);
    const picture = await frame.$eval('img[alt=captcha]', (img) => ({
      width: (img as HTMLImageElement).naturalWidth,
      height: (img as HTMLImageElement).naturalHeight,
    }));
    expect(picture).toEqual({ width: 200, height: 70 });

    await Promise.all([frame.waitForNavigation(), answerCaptcha(frame, 'wrong1')]);
    frame = await captchaFrame(page);
    expect(await frame.$eval('[role=alert]', (alert) => alert.textContent)).toBe(
      "That wasn't quite right. Try again.",
    );

    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      answerCaptcha(frame, sim.latestCaptchaAnswer() ?? ''),
    ]);
    expect(await page.$eval('h1', (h1) => h1.textContent)).toBe('Root user sign in');

    await page.type('#password', ROOT.password);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#signinButton')]);
    expect(page.url()).toBe('https://console.aws.amazon.com/console/home');
    expect(await page.$eval('#nav-usernameMenu', (menu) => menu.textContent)).toContain(ROOT.accountId);
    await context.close();
  });

  it('opens the recovery dialog in place and sends the reset mail after the CAPTCHA', async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto('https://signin.aws.amazon.com/signin', { waitUntil: 'load' });
    await page.click('[data-id=awsccc-cb-btn-decline]');
    await page.type('#resolvingInput', ROOT.email);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      answerCaptcha(await captchaFrame(page), sim.latestCaptchaAnswer() ?? ''),
    ]);

    const before = sim.mails().length;
    const url = page.url();
    await page.click('#rootForgotPasswordLink');
    expect(page.url()).toBe(url);
    await page.waitForSelector('[role=dialog]:not([hidden])');
    expect(await page.$eval('[role=dialog] h2', (h2) => h2.textContent)).toBe('Password recovery');
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      answerCaptcha(await captchaFrame(page), sim.latestCaptchaAnswer() ?? ''),
    ]);
    expect(await page.$eval('[role=dialog] h2', (h2) => h2.textContent)).toBe(
      'Password recovery request sent',
    );
    expect(
      sim
        .mails()
        .slice(before)
        .map((mail) => mail.kind),
    ).toEqual(['reset']);
    await context.close();
  });
});
