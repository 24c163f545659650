import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AccountOptions, type ConsoleSim, type Generation, startConsoleSim } from '../../../sim/console';
import {
  alertOf,
  button,
  byLabel,
  chooseOption,
  clickThrough,
  closePage,
  element,
  hashOf,
  headingOf,
  launchForSim,
  rootPage,
  typeInto,
} from './chromium-helpers';
import { FakePhoneNetwork, REGISTRATION, WIZARD } from './helpers';

// The sign-up wizard in real Chromium, page by page, as the product's flows will meet it.

let sim: ConsoleSim;
let browser: Browser;
let network: FakePhoneNetwork;
let made = 0;
const nextYear = String(new Date().getUTCFullYear() + 1);

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'never', refusedNumbers: ['+12065550199'] });
  browser = await launchForSim(sim);
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});
beforeEach(() => {
  network = new FakePhoneNetwork();
  sim.setPhoneNetwork(network);
  sim.setFaults({ captcha: 'never', cookieBanner: false });
});

async function signedIn(generation: Generation, options: Partial<AccountOptions> = {}, done: string[] = []) {
  made += 1;
  const accountId = `30000000${String(made).padStart(4, '0')}`;
  sim.addAccount({ accountId, email: `chromium-signup-${made}@example.com`, ...options });
  sim.updateAccount(accountId, { signup: Object.fromEntries(done.map((part) => [part, true])) });
  return { accountId, page: await rootPage(browser, sim, accountId, generation) };
}

async function fillContact(page: Page): Promise<void> {
  expect(await headingOf(page)).toBe('Contact information');
  expect(await hashOf(page)).toBe('#/contactinformation');
  await typeInto(page, 'Full name', 'Pat Doe');
  await typeInto(page, 'Phone number', '+1 206 555 0100');
  await chooseOption(page, 'Country or Region', 'United States');
  await typeInto(page, 'Address', '410 Terry Ave N');
  await typeInto(page, 'City', 'Seattle');
  await typeInto(page, 'State, Province, or Region', 'WA');
  await typeInto(page, 'Postal code', '98109');
  await (await byLabel(page, 'I have read and agree to the terms of the AWS Customer Agreement')).click();
  await clickThrough(page, await button(page, 'Continue'));
}

async function fillCard(page: Page, number: string): Promise<void> {
  const field = await byLabel(page, 'Credit or debit card number');
  await field.click({ count: 3 });
  await field.type(number);
  await chooseOption(page, 'Year', nextYear);
  const holder = await byLabel(page, "Cardholder's name");
  await holder.evaluate((input) => {
    (input as HTMLInputElement).value = '';
  });
  await holder.type('Pat Doe');
}

async function chooseSupportAndFinish(page: Page): Promise<void> {
  expect(await headingOf(page)).toBe('Select a support plan');
  expect(await hashOf(page)).toBe('#/support');
  await (await byLabel(page, 'Basic support - Free')).click();
  await clickThrough(page, await button(page, 'Complete sign up'));
  expect(await headingOf(page)).toBe('Congratulations');
  expect(await hashOf(page)).toBe('#/confirmation');
  expect(await page.$eval('a', (a) => [a.textContent, a.href])).toEqual([
    'Go to the AWS Management Console',
    'https://console.aws.amazon.com/console/home',
  ]);
}

/** Waits until the page shows `text` somewhere in its body (the PIN page changes in place while AWS calls). */
async function waitForText(page: Page, text: string): Promise<void> {
  await page.waitForFunction((wanted) => document.body.textContent?.includes(wanted), {}, text);
}

describe('sign-up wizard in Chromium', () => {
  it('older page: contact, a refused then an accepted card, a PIN call with the in-page CAPTCHA, support, done', async () => {
    sim.setFaults({ captcha: 'always', cookieBanner: true });
    const { accountId, page } = await signedIn('old', { verification: 'pin' });
    await page.goto(WIZARD, { waitUntil: 'load' });
    await page.click('[data-id=awsccc-cb-btn-continue]');
    await fillContact(page);

    expect(await headingOf(page)).toBe('Billing information');
    expect(await hashOf(page)).toBe('#/paymentinformation');
    expect(await page.$('#credit-card-number')).not.toBeNull();
    await fillCard(page, '4111 1111 1111 1112');
    await clickThrough(page, await button(page, 'Verify and continue'));
    expect(await headingOf(page)).toBe('Billing information');
    expect(await alertOf(page)).toBe(
      'There was a problem with your payment information. The card number is not valid.',
    );
    await fillCard(page, '4111 1111 1111 1111');
    await chooseOption(page, 'Month', '12');
    await clickThrough(page, await element(page, '.form-submit-click-box > button'));

    expect(await headingOf(page)).toBe('Confirm your identity');
    expect(await hashOf(page)).toBe('#/identityverification');
    await chooseOption(page, 'Country or region code', 'United States (+1)');
    await typeInto(page, 'Phone number', '2065550100');
    const picture = await page.$eval('#imageCaptcha', (img) => [
      (img as HTMLImageElement).naturalWidth,
      (img as HTMLImageElement).alt,
    ]);
    expect(picture).toEqual([200, 'captcha']);
    await page.type('#guess', sim.latestCaptchaAnswer() ?? '');
    await clickThrough(page, await button(page, 'Call me now'));

    const pin = await page.$eval('.phone-pin-number > span', (span) => span.textContent ?? '');
    expect(pin).toMatch(/^\d{4}$/);
    expect(network.calls.map((call) => call.to)).toEqual(['+12065550100']);
    network.keyIn(pin);
    await waitForText(page, 'Your identity has been verified successfully.');
    await clickThrough(page, await element(page, '#verification-complete-button'));

    await chooseSupportAndFinish(page);
    expect(sim.account(accountId)).toMatchObject({
      cardLast4: '1111',
      supportPlan: 'basic',
      signup: { contact: true, payment: true, phone: true, support: true, agreement: true },
    });
    await closePage(page);
  });

  it('newer page: CVV and a new billing address, a code by text message after the cross-origin CAPTCHA', async () => {
    sim.setFaults({ captcha: 'always' });
    const { accountId, page } = await signedIn('new', { verification: 'code-sms' });
    await page.goto(REGISTRATION, { waitUntil: 'load' });
    await fillContact(page);

    expect(await page.$('#creditCardNumber')).not.toBeNull();
    await fillCard(page, '4242 4242 4242 4242');
    await chooseOption(page, 'Month', 'December');
    await typeInto(page, 'Security code (CVV)', '123');
    expect(await (await byLabel(page, 'Address')).isVisible()).toBe(false);
    await (await byLabel(page, 'Use a new address')).click();
    expect(await (await byLabel(page, 'Address')).isVisible()).toBe(true);
    await chooseOption(page, 'Country or Region', 'United Kingdom');
    await typeInto(page, 'Address', '1 Principal Place');
    await typeInto(page, 'City', 'London');
    await typeInto(page, 'Postal code', 'E1 6QL');
    await clickThrough(page, await button(page, 'Verify and continue'));

    expect(await headingOf(page)).toBe('Confirm your identity');
    expect(
      await (await byLabel(page, 'Text message (SMS)')).evaluate((r) => (r as HTMLInputElement).checked),
    ).toBe(true);
    await (await byLabel(page, 'Voice call')).click();
    expect(await page.$eval('#divaSubmitButton', (b) => b.textContent)).toBe('Call me now');
    await (await byLabel(page, 'Text message (SMS)')).click();
    expect(await page.$eval('#divaSubmitButton', (b) => b.textContent)).toBe('Send SMS');
    await chooseOption(page, 'Country or region code', 'United States (+1)');
    await typeInto(page, 'Phone number', '2065550100');

    const frame = await (await page.waitForSelector('iframe#core-container'))?.contentFrame();
    if (!frame) throw new Error('no CAPTCHA frame');
    await frame.waitForSelector('input[name=captchaGuess]');
    await frame.type('input[name=captchaGuess]', sim.latestCaptchaAnswer() ?? '');
    await Promise.all([frame.waitForNavigation(), frame.click('button[type=submit]')]);
    await page.waitForFunction(
      () => (document.querySelector('input[name=captchaToken]') as HTMLInputElement).value !== '',
    );
    await clickThrough(page, await button(page, 'Send SMS'));

    expect(await headingOf(page)).toBe('Verify code');
    expect(network.texts.map((text) => [text.to, text.from])).toEqual([['+12065550100', '+18889990000']]);
    const code = network.lastCode();
    await typeInto(page, 'Verification code', code === '000000' ? '111111' : '000000');
    await clickThrough(page, await button(page, 'Continue'));
    expect(await alertOf(page)).toBe('The verification code you entered is not valid. Try again.');
    await typeInto(page, 'Verification code', code);
    await clickThrough(page, await button(page, 'Continue'));

    await chooseSupportAndFinish(page);
    expect(sim.account(accountId)).toMatchObject({ cardLast4: '4242', verifiedPhone: '+12065550100' });
    await closePage(page);
  });

  it('shows a failed PIN call in place, calls again, and fails when no phone network answers', async () => {
    const { accountId, page } = await signedIn('new', { verification: 'pin' }, [
      'contact',
      'agreement',
      'payment',
    ]);
    await page.goto(WIZARD, { waitUntil: 'load' });
    const call = async () => {
      await chooseOption(page, 'Country or region code', 'United States (+1)');
      await typeInto(page, 'Phone number', '2065550100');
      await clickThrough(page, await button(page, 'Call me now'));
      return page.$eval('#phonePin', (pin) => pin.textContent ?? '');
    };
    const pin = await call();
    const urlWhileCalling = page.url();
    network.keyIn(pin === '0000' ? '9999' : '0000');
    await waitForText(page, 'We could not verify your phone number. Try again.');
    expect(page.url()).toBe(urlWhileCalling);
    expect(await alertOf(page)).toBe('We could not verify your phone number. Try again.');

    await clickThrough(page, await button(page, 'Call me again'));
    sim.setPhoneNetwork(undefined);
    await call();
    await waitForText(page, 'We could not verify your phone number. Try again.');
    expect(await page.$('#verificationCompleteButton')).toBeNull();

    await clickThrough(page, await button(page, 'Call me again'));
    sim.setPhoneNetwork(network);
    network.keyIn(await call());
    await waitForText(page, 'Your identity has been verified successfully.');
    await clickThrough(page, await button(page, 'Continue'));
    expect(await headingOf(page)).toBe('Select a support plan');
    expect(sim.account(accountId)?.signup.phone).toBe(true);
    await closePage(page);
  });

  it('refuses a number, then reads a code out in a voice call when only that is offered', async () => {
    const { accountId, page } = await signedIn('old', { verification: 'code-voice-only' }, [
      'contact',
      'agreement',
      'payment',
    ]);
    await page.goto(WIZARD, { waitUntil: 'load' });
    expect(
      await page.$$eval('input[name=divaMethod]', (radios) =>
        radios.map((r) => (r as HTMLInputElement).value),
      ),
    ).toEqual(['Phone']);
    await chooseOption(page, 'Country or region code', 'United States (+1)');
    await typeInto(page, 'Phone number', '2065550199');
    await clickThrough(page, await button(page, 'Call me now'));
    expect(await alertOf(page)).toBe(
      'We are unable to verify this phone number. Use a different phone number.',
    );

    const number = await byLabel(page, 'Phone number');
    await number.click({ count: 3 });
    await number.type('2065550100');
    await clickThrough(page, await button(page, 'Call me now'));
    expect(await headingOf(page)).toBe('Verify code');
    const spoken = sim.spokenCodes().at(-1);
    expect(spoken?.to).toBe('+12065550100');
    await typeInto(page, 'Verification code', spoken?.code ?? '');
    await clickThrough(page, await button(page, 'Continue'));
    expect(await headingOf(page)).toBe('Select a support plan');
    expect(network.texts).toEqual([]);
    expect(sim.account(accountId)?.signup.phone).toBe(true);
    await closePage(page);
  });

  it('takes an account that must accept the agreement through the resubscribe page', async () => {
    const { accountId, page } = await signedIn('new', { needsAgreement: true, signupDone: true });
    await page.goto(WIZARD, { waitUntil: 'load' });
    expect(page.url()).toBe('https://portal.aws.amazon.com/billing/signup?type=resubscribe#/resubscribed');
    expect(await headingOf(page)).toBe('AWS Customer Agreement');
    await (await byLabel(page, 'I have read and agree to the terms of the AWS Customer Agreement')).click();
    await clickThrough(page, await button(page, 'Agree and continue'));
    expect(await headingOf(page)).toBe('Congratulations');
    expect(sim.account(accountId)?.signup.agreement).toBe(true);
    await closePage(page);
  });
});
